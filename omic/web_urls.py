"""The core pages' addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

from django.urls import path

from omic import views

app_name = "omic"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("password/", views.change_password, name="password_change"),
    path("password/done/", views.change_password_done, name="password_change_done"),
    path("prisons/<str:code>/", views.prison_dashboard, name="prison"),
    path("prisons/<str:code>/staff/", views.prison_staff, name="staff"),
    path("prisons/<str:code>/wings/<str:wing_code>/", views.wing, name="wing"),
    path("prisoners/<str:prison_number>/", views.prisoner, name="prisoner"),
    path("hq/", views.hq, name="hq"),
]
