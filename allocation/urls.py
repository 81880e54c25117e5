"""POM case management's addresses (formats.md, "Addresses": bookmarks and other teams rely on them)."""

app_name = "allocation"

urlpatterns: list = []
