from django import template
from django.utils.safestring import mark_safe

from core.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    return mark_safe(render_markdown(text))


@register.filter
def obfuscate_email(address: str) -> str:
    """'a@b.cn' as 'a [at] b [dot] cn' in numeric entities: readable, not harvestable as is."""
    spoken = address.replace("@", " [at] ").replace(".", " [dot] ")
    # Safe: every character, markup included, becomes a numeric entity.
    return mark_safe("".join(f"&#{ord(char)};" for char in spoken))
