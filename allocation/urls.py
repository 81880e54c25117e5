"""POM case management's addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

app_name = "allocation"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from allocation.views import bcst as bcst_views  # noqa: E402
from allocation.views import handover_dashboard as handover_views  # noqa: E402
from allocation.views import pom_page, poms  # noqa: E402

urlpatterns += [
    path("prisons/<str:code>/handover/", handover_views.handover_dashboard, name="handover"),
    path("prisons/<str:code>/bcst/", bcst_views.bcst, name="bcst"),
    path("prisoners/<str:prison_number>/pom/", pom_page.prisoner_pom, name="prisoner_pom"),
    path("prisons/<str:code>/poms/", poms.pom_list, name="poms"),
    path("prisons/<str:code>/poms/<str:staff_id>/", poms.pom_caseload, name="pom"),
]
