"""Key work's addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

from django.urls import path

from keywork.views import compliance, key_workers, national, planning, sessions, wings

app_name = "keywork"

urlpatterns = [
    path("prisons/<str:code>/key-workers/", key_workers.key_workers, name="key_workers"),
    path("prisons/<str:code>/allocate/", key_workers.allocate, name="allocate"),
    path("hq/", national.national_view, name="national"),
    path("prisons/<str:code>/planning/", planning.planning_page, name="planning"),
    path("prisons/<str:code>/compliance.csv", compliance.compliance_csv, name="compliance_csv"),
    path("prisons/<str:code>/wings/<str:wing_code>/behind.csv", wings.behind_csv, name="behind_csv"),
    path("prisoners/<str:prison_number>/sessions/new/", sessions.session_new, name="session_new"),
    path(
        "prisoners/<str:prison_number>/sessions/not-held/", sessions.session_not_held, name="session_not_held"
    ),
    path("prisoners/<str:prison_number>/sessions/<int:session_id>/", sessions.session_detail, name="session"),
]
