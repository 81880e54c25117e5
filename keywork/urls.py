"""Key work's addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

from django.urls import path

from keywork import views, views_allocation

app_name = "keywork"

urlpatterns = [
    path("prisons/<str:code>/key-workers/", views_allocation.key_workers, name="key_workers"),
    path("prisons/<str:code>/allocate/", views_allocation.allocate, name="allocate"),
    path("prisons/<str:code>/compliance.csv", views.compliance_csv, name="compliance_csv"),
    path("prisoners/<str:prison_number>/sessions/new/", views.session_new, name="session_new"),
]
