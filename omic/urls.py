from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("", include("omic.web_urls")),
    path("", include("keywork.urls")),
    path("", include("allocation.urls")),
]

# GOV.UK error pages; the 500 page shows the request id its logged traceback carries.
handler400 = "omic.errors.bad_request"
handler500 = "omic.errors.server_error"
