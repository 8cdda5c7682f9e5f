from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    """Every client of the API is anonymous (it has no authentication), known by its address.

    The page cache (core/cache.py) runs this throttle before it answers from the cache, on
    Django's request (which has no ``user`` there); the view then skips a request counted.
    """

    def allow_request(self, request, view):
        if getattr(request, "throttle_counted", False):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_rate(self):
        # Read per request, not once at import, so the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
