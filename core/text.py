"""Single-line text as stored: names, titles, affiliations, rooms.

Bidirectional controls (embeddings, overrides, isolates and the direction marks) typed or
imported into a name would reorder the text around it wherever it is printed inline: a
byline, a list of speakers, a page's <title>, a feed or a calendar. No name or title needs
one (the Unicode bidirectional algorithm lays out right-to-left names by itself), so they
are stripped on every save, once, for every page and format at once.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.changes import CONTENT_APPS

BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def strip_bidi_controls(value):
    if isinstance(value, str):
        return value.translate(BIDI_CONTROLS)
    if isinstance(value, list):
        return [strip_bidi_controls(item) for item in value]
    return value


def single_line(field) -> bool:
    if isinstance(field, ArrayField):
        return single_line(field.base_field)
    return isinstance(field, models.CharField)


def strip_bidi_controls_on_save(sender, instance, **kwargs):
    """pre_save of every model of the content apps. Paragraphs (TextField: bios,
    abstracts) keep theirs: each is a block of its own, where they reorder nothing else."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    for field in sender._meta.concrete_fields:
        if single_line(field):
            value = getattr(instance, field.attname)
            setattr(instance, field.attname, strip_bidi_controls(value))
