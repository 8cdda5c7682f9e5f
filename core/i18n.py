"""Which language a request is answered in, where the URL does not say.

Public pages carry their language in the address (English unprefixed, Chinese under
``/zh-hans/``: Django's LocaleMiddleware with ``i18n_patterns``). The API and the admin
have one address for every language: the API answers in English unless the client's
``Accept-Language`` asks for a language the site has (never from a cookie, so a cached
answer depends on the header alone), and the admin in the editor's choice (the language
form in its header: kept with their account, EditorLanguage, and in Django's
``set_language`` cookie for the sign-in page), or else the browser's.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core.models import EditorLanguage

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


# The editor's choice, read from their account once, at sign-in, into the session.
SESSION_KEY = "editor_language"


def remember_editor_language(sender, request, user, **kwargs):
    chosen = EditorLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    if chosen and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen


class EditorLanguageMiddleware:
    """After authentication: a signed-in editor's admin in the language they chose, on any
    browser (from their session, where sign-in put it: no query per page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX) and request.user.is_authenticated:
            chosen = request.session.get(SESSION_KEY)
            if chosen in dict(settings.LANGUAGES):
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@require_POST
def set_editor_language(request):
    """The admin's language form: Django's set_language (its cookie, and the redirect back),
    and for a signed-in editor the choice kept with their account."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        EditorLanguage.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    return response
