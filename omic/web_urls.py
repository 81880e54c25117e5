"""The core pages' addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

from django.urls import path

from omic.views import audit, records, search, service_pages, users
from omic.views import core as views

app_name = "omic"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("password/", views.change_password, name="password_change"),
    path("password/done/", views.change_password_done, name="password_change_done"),
    path("search/", search.search, name="search"),
    path("prisons/<str:code>/", views.prison_dashboard, name="prison"),
    path("prisons/<str:code>/staff/", views.prison_staff, name="staff"),
    path("prisons/<str:code>/staff/<str:staff_id>/", records.staff_member, name="staff_member"),
    path("prisons/<str:code>/benchmarks/", records.benchmarks, name="benchmarks"),
    path("prisons/<str:code>/settings/", records.prison_settings, name="prison_settings"),
    path("prisons/<str:code>/users/", users.users, name="users"),
    path("prisons/<str:code>/users/<str:username>/", users.user_detail, name="user_detail"),
    path("prisons/<str:code>/audit/", audit.audit_trail, name="audit"),
    path("prisons/<str:code>/wings/<str:wing_code>/", views.wing, name="wing"),
    path("prisoners/<str:prison_number>/", views.prisoner, name="prisoner"),
    *(
        path(f"{page}/", service_pages.service_page, {"page": page}, name=page)
        for page in service_pages.PAGES
    ),
]
