from django.utils.functional import SimpleLazyObject

from profiles.models import SiteSettings


def site(request):
    """The group's settings (``site``) and name (``site_name``), read only by a page that
    shows them, and then from the process's cache (SiteSettings.current)."""
    current = SimpleLazyObject(SiteSettings.current)
    return {"site": current, "site_name": SimpleLazyObject(lambda: current.display_name)}
