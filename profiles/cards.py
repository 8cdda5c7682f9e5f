"""Render on write: a member's card, as the front page and the people list show it.

A card is a pure function of the researcher, their public positions and the
organizations those name (and of the day: a position that ended is no longer shown). It is
rendered once per language and stored (``ResearcherCard``) when any of these change
(ProfilesConfig.ready connects the signals; a day that ends positions renders their
holders again, ``day_rule``), so a list of 100 members reads 100 strings instead of
building 100 researchers with their positions and rendering a template for each. What
changes with papers or periods in the group (the paper count, an alumnus's years) is not
stored: ``MemberCard.html`` adds it to the stored part.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from core.search_updates import updates_deferred
from profiles.models import Position, Researcher, ResearcherCard

TEMPLATE = "cv/includes/_person_card.html"


def current_organizations(positions) -> list:
    """Where someone works now, as a header or a card names it (internships left out):
    decided once per page from the prefetched positions, not per row in the template."""
    return [
        position.organization
        for position in positions
        if position.kind != Position.Kind.INTERNSHIP and position.is_current
    ]


def card_positions() -> Prefetch:
    return Prefetch("positions", queryset=Position.objects.public().select_related("organization"))


def _rendered(pks: Iterable[int]) -> dict[int, dict[str, str]]:
    """{researcher: {language: card}} for the members among ``pks``."""
    people = (
        Researcher.objects.filter(pk__in=list(pks), is_member=True)
        .defer("search_vector", "bio")
        .prefetch_related(card_positions())
    )
    cards = {}
    for person in people:
        person.current_organizations = current_organizations(person.positions.all())
        cards[person.pk] = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                cards[person.pk][language] = render_to_string(TEMPLATE, {"person": person})
    return cards


def render(pks: Iterable[int]) -> int:
    """Renders and stores the cards of ``pks`` now (removing those of people no longer
    members); returns how many people have one."""
    pks = set(pks)
    if not pks:
        return 0
    cards = _rendered(pks)
    ResearcherCard.objects.filter(researcher__in=pks - cards.keys()).delete()
    ResearcherCard.objects.bulk_create(
        [
            ResearcherCard(researcher_id=pk, language=language, html=html)
            for pk, by_language in cards.items()
            for language, html in by_language.items()
        ],
        update_conflicts=True,
        unique_fields=["researcher", "language"],
        update_fields=["html"],
    )
    return len(cards)


def render_all() -> int:
    """Every member's cards afresh, after writes past the signals."""
    ResearcherCard.objects.exclude(researcher__is_member=True).delete()
    return render(Researcher.objects.filter(is_member=True).values_list("pk", flat=True))


def changed(pks: Iterable[int]) -> None:
    """The people ``pks`` changed as their cards show them; a bulk load renders every
    card once at its end instead."""
    if not updates_deferred():
        render(pks)


def day_rule(since, until) -> set[str]:
    """Cards of people whose positions ended between the two days, made again; the pages
    showing them are named by the sites' own day rule."""
    render(
        Position._base_manager.filter(end_date__gte=since, end_date__lt=until).values_list(
            "researcher", flat=True
        )
    )
    return set()


@dataclass(frozen=True)
class MemberCard:
    pk: int
    full_name: str
    role: str
    paper_count: int
    stored: str | None
    group_years: str = ""

    @property
    def html(self) -> SafeString:
        parts = [self.stored]
        if self.group_years:
            parts.append(
                f'  <p class="legend">{gettext("In the group")} {escape(self.group_years)}</p>\n'
            )
        if self.paper_count:
            parts.append(paper_count_legend(translation.get_language(), self.paper_count))
        parts.append("  </div>\n</li>")
        return mark_safe("".join(parts))


@functools.lru_cache(maxsize=4096)
def paper_count_legend(language: str, count: int) -> str:
    """A card's "12 papers" line: made once per language and number, not once per card
    (translating and localizing it was most of the front page's hundred cards)."""
    with translation.override(language):
        text = ngettext("%(count)s paper", "%(count)s papers", count) % {"count": localize(count)}
    return f'  <p class="legend">{text}</p>\n'


def member_cards(people) -> list[MemberCard]:
    """``people`` (annotated with ``paper_count``, cv.metrics.members_with_paper_counts) as
    cards in the active language, in one query; a card not stored yet (written past the
    signals, before ``manage.py render_cards``) is rendered for this request."""
    language = translation.get_supported_language_variant(translation.get_language())
    stored = ResearcherCard.objects.filter(researcher=OuterRef("pk"), language=language)
    rows = list(
        people.annotate(card=Subquery(stored.values("html")[:1])).values_list(
            "pk", "full_name", "role", "paper_count", "card"
        )
    )
    fresh = {}
    if missing := [pk for pk, *_rest, card in rows if card is None]:
        fresh = {pk: by_language[language] for pk, by_language in _rendered(missing).items()}
    return [
        MemberCard(
            pk=pk,
            full_name=name,
            role=role,
            paper_count=count,
            stored=card if card is not None else fresh[pk],
        )
        for pk, name, role, count, card in rows
    ]
