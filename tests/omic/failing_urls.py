"""The app's addresses plus one that always fails: for the 500 page and its log line."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from omic.urls import handler400, handler500
from omic.urls import urlpatterns as app_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


class DeliberateFault(Exception):
    pass


@login_not_required
def fails(request):
    raise DeliberateFault("a deliberate fault for the test, with a secret-looking detail")


urlpatterns = [path("fails/", fails), *app_urlpatterns]
