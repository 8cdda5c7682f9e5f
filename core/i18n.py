"""Which language a request is answered in, where the URL does not say.

Public pages carry their language in the address (English unprefixed, Chinese under
``/zh-hans/``: Django's LocaleMiddleware with ``i18n_patterns``). The API and the admin
have one address for every language: the API answers in English unless the client's
``Accept-Language`` asks for a language the site has (never from a cookie, so a cached
answer depends on the header alone), and the admin in the editor's choice (the language
form in its header, Django's ``set_language`` cookie) or else the browser's.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"


def accepted_language(header: str) -> str:
    """The site's language an ``Accept-Language`` header prefers, or the default one."""
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """After LocaleMiddleware: the API's and the admin's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            language = accepted_language(request.headers.get("Accept-Language", ""))
        elif request.path.startswith(ADMIN_PREFIX):
            language = translation.get_language_from_request(request)
        else:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response
