"""The content fields that may have a Simplified Chinese version beside the English one
(django-modeltranslation: a column per language; the field's name reads the page's
language and falls back to English). Names are not here: a person's name in their own
script is ``Researcher.native_name``."""

from modeltranslation.translator import TranslationOptions, register

from profiles.models import ProfileSection, Project, Researcher


@register(Researcher)
class ResearcherTranslation(TranslationOptions):
    fields = ("headline", "bio", "interests_intro")


@register(ProfileSection)
class ProfileSectionTranslation(TranslationOptions):
    fields = ("title", "body")
    # A section with no Chinese title stores NULL there, not "", so that two of them do
    # not collide in the per-language copy of the unique (researcher, title) constraint.
    empty_values = {"title": None}


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "description")
