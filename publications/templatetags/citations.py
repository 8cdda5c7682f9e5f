from django import template

from publications.rendering import entry_for

register = template.Library()


@register.simple_tag
def citation_entry(publication, owner=None):
    """The paper's stored citation entry; ``owner``, the researcher whose page this is,
    in bold in place of their link."""
    return entry_for(publication, owner or None)
