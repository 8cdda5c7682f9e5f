import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from core.markup import plain_text, render_inline_math, render_markdown

register = template.Library()

# As in Django's json_script: with <, > and & escaped no value can end the script element.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def markdown(text: str) -> str:
    """Block Markdown with $...$ math, for abstracts, bios and descriptions."""
    return mark_safe(render_markdown(text))


@register.filter
def math(text: str) -> str:
    """Plain text with only $...$ rendered, for titles; everything else is escaped."""
    return mark_safe(render_inline_math(text))


@register.filter
def plain(text: str) -> str:
    """A title as plain text, its math in Unicode, for <title> and attributes."""
    return plain_text(text)


@register.filter
def obfuscate_email(address: str) -> str:
    """'a@b.cn' as 'a [at] b [dot] cn' in numeric entities: readable, not harvestable as is."""
    spoken = address.replace("@", " [at] ").replace(".", " [dot] ")
    # Safe: every character, markup included, becomes a numeric entity.
    return mark_safe("".join(f"&#{ord(char)};" for char in spoken))


@register.filter
def json_ld(data: dict) -> str:
    """A schema.org JSON-LD script element holding ``data``."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
