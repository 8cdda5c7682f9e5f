"""The same page in each of the site's languages: the language switch and the ``hreflang``
alternates every page carries (templates/includes/_languages.html)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language: the switch names a language as its readers do
    url: str
    absolute_url: str
    current: bool


def _language_urls(request) -> dict[str, str]:
    """This page's address (the query string kept) in each language, made once per request:
    the alternates, the switch and the header's section all read it."""
    urls = getattr(request, "_language_urls", None)
    if urls is None:
        here = request.get_full_path()
        urls = request._language_urls = {
            code: translate_url(here, code) for code, _name in settings.LANGUAGES
        }
    return urls


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[LanguageVersion]:
    """This page's address in each language (the query string kept), the current one marked.
    A page outside the translated URLs (an error page at an unknown address) keeps its own."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    return [
        LanguageVersion(
            code=code,
            name=get_language_info(code)["name_local"],
            url=url,
            absolute_url=request.build_absolute_uri(url),
            current=code == current,
        )
        for code, url in _language_urls(request).items()
    ]


@register.simple_tag(takes_context=True)
def default_language_path(context) -> str:
    """This page's path in the default language (no /zh-hans/ prefix): what the header
    compares with its sections' paths to mark the current one."""
    request = context.get("request")
    if request is None:
        return ""
    return urlsplit(_language_urls(request)[settings.LANGUAGE_CODE]).path
