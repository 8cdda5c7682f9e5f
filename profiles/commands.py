"""What the management commands share about researchers."""

from django.core.management.base import CommandError

from profiles.models import Researcher


def researcher_named(slug: str | None, *, then: str = "") -> Researcher | None:
    """The researcher a ``--researcher SLUG`` option names, None when it names none, or a
    CommandError for a slug that matches nobody (``then`` ends its message)."""
    if not slug:
        return None
    researcher = Researcher.objects.filter(slug=slug).first()
    if researcher is None:
        raise CommandError(" ".join(filter(None, [f"No researcher with the slug “{slug}”.", then])))
    return researcher
