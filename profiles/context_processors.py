from django.utils.functional import SimpleLazyObject

from profiles.models import SiteSettings


def site(request):
    """The group's settings (``site``) and name (``site_name``), read (one query) only by
    a page that shows them."""
    current = SimpleLazyObject(SiteSettings.current)
    return {"site": current, "site_name": SimpleLazyObject(lambda: current.display_name)}
