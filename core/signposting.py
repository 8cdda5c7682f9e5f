"""Signposting (signposting.org, FAIR Signposting level 1): typed links from a landing page
to its persistent identifier, authors, metadata records, content and types, sent both as an
HTTP ``Link`` header (RFC 8288) and as ``<link>`` elements in the page's head, so a
harvester finds them with a HEAD request and a reader of the HTML finds the same."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.encoding import iri_to_uri

SCHEMA_ORG = "https://schema.org/"


@dataclass(frozen=True)
class Signpost:
    href: str
    rel: str
    type: str = ""


def schema_type(name: str) -> Signpost:
    """``rel="type"``: the schema.org type of the page (AboutPage) or of what it is about."""
    return Signpost(f"{SCHEMA_ORG}{name}", "type")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def link_header(signposts: list[Signpost]) -> str:
    """The ``Link`` header's value. Each URL is percent-encoded as a URI: a typed one (a
    PDF's, which URL validation lets hold ``>`` or ``"``) cannot end its ``<...>`` early, and
    a non-ASCII one fits in a header."""
    parts = []
    for post in signposts:
        part = f"<{iri_to_uri(post.href)}>; rel={_quoted(post.rel)}"
        if post.type:
            part += f"; type={_quoted(post.type)}"
        parts.append(part)
    return ", ".join(parts)


def add_link_header(response: HttpResponse, signposts: list[Signpost]) -> HttpResponse:
    if signposts:
        response["Link"] = link_header(signposts)
    return response
