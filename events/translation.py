"""A talk's title and abstract may have a Simplified Chinese version (profiles/translation.py
says how they are read)."""

from modeltranslation.translator import TranslationOptions, register

from events.models import Talk


@register(Talk)
class TalkTranslation(TranslationOptions):
    fields = ("title", "abstract")
