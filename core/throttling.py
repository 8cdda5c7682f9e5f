from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        # Read per request, not once at import, so the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
