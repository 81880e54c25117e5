from django.conf import settings


def service(request):
    """Service name and the signed-in user's prisons, for the header on every page."""
    user = getattr(request, "user", None)
    prisons = []
    if user is not None and user.is_authenticated:
        from omic import access

        prisons = access.header_prisons(user)
    return {
        "service_name": "Manage key work and POM cases",
        "header_prisons": prisons,
        "debug": settings.DEBUG,
    }
