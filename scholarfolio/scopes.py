"""Which parts of the site each page shows and each change touches: the rules behind the
page cache's narrow invalidation (core/changes.py, core/cache.py).

A scope names a page family: ``researcher:<slug>`` (the profile, CV, feed, downloads and
API of one person), ``publication:<slug>``, ``talk:<slug>``, ``event:<slug>``,
``venue:<slug>``, and the lists ``people``, ``publications`` and ``events`` (list pages,
feeds, search, the front page, site-wide downloads). A change bumps the scope of every page
that shows the changed row: a paper its own page, its authors' and its talks' pages and
the publication lists; a researcher renamed also their co-authors' pages and everything
carrying their name. Changes that would reach most pages anyway (an organization, whose
name is on profiles, talks and events) bump ``ALL``.
"""

import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Q, QuerySet

from core.changes import ALL, register_day_rule, register_scopes
from cv.models import (
    Award,
    Grant,
    GrantInvestigator,
    ResearcherAlias,
    ResearcherFigures,
    ResearchInterest,
    Service,
)
from events.models import Event, Participation, Talk, TalkHost, TalkSpeaker
from profiles.models import (
    Education,
    Membership,
    MetricsSnapshot,
    Organization,
    Position,
    ProfileSection,
    Project,
    ProjectMember,
    Researcher,
    ResearcherCard,
    SiteLink,
    SiteSettings,
    Teaching,
)
from publications.models import (
    Authorship,
    CitationCount,
    FacetCount,
    ImportRecord,
    Publication,
    Venue,
)

PEOPLE, PUBLICATIONS, EVENTS = "people", "publications", "events"
LISTS = (PEOPLE, PUBLICATIONS, EVENTS)
# Every profile's similar researchers (cv.similar), which anyone's interests may change.
TOPICS = "topics"
GRANTS = "grants"  # the API's list of grants; each grant is "grant:<pk>"

# URL name -> the scopes of its page. A page not named here is keyed by the site's version.
PAGE_SCOPES = {
    "site:home": LISTS,
    "site:search": LISTS,
    "site:experts": LISTS,
    "site:network": (PEOPLE, PUBLICATIONS),
    "sitemap": LISTS,
    "robots": (),
    "site:site_bibtex": (PUBLICATIONS,),
    "site:site_ris": (PUBLICATIONS,),
    "site:site_csljson": (PUBLICATIONS,),
    "site:publication_bibtex": ("publication:{slug}",),
    "site:publication_ris": ("publication:{slug}",),
    "site:publication_csljson": ("publication:{slug}",),
    "site:researcher_bibtex": ("researcher:{slug}",),
    "site:researcher_ris": ("researcher:{slug}",),
    "site:researcher_csljson": ("researcher:{slug}",),
    "site:researcher_resume": ("researcher:{slug}",),
    "site:researcher_ics": ("researcher:{slug}",),
    "site:talks_ics": (EVENTS,),
    "site:talk_ics": ("talk:{slug}",),
    "site:event_ics": ("event:{slug}",),
    "people:list": (PEOPLE,),
    "people:detail": ("researcher:{slug}", TOPICS),
    "people:cv": ("researcher:{slug}",),
    "people:network": ("researcher:{slug}",),
    # Co-authors' affiliations come from their positions, whose changes name the lists.
    "people:collaborators_csv": ("researcher:{slug}", PEOPLE),
    "people:collaborators_xlsx": ("researcher:{slug}", PEOPLE),
    "publications:list": (PUBLICATIONS,),
    "publications:feed": (PUBLICATIONS,),
    "publications:researcher_feed": ("researcher:{slug}",),
    "publications:detail": ("publication:{slug}",),
    "events:talk_list": (EVENTS,),
    "events:talk_feed": (EVENTS,),
    "events:talk_detail": ("talk:{slug}",),
    "events:event_detail": ("event:{slug}",),
    "api:api-root": (),
    "api:researcher-list": (PEOPLE,),
    "api:researcher-detail": ("researcher:{slug}",),
    "api:researcher-publications-list": ("researcher:{researcher_slug}",),
    "api:researcher-talks-list": ("researcher:{researcher_slug}",),
    "api:publication-list": (PUBLICATIONS,),
    "api:publication-detail": ("publication:{slug}",),
    "api:venue-list": (PUBLICATIONS,),
    "api:venue-detail": ("venue:{slug}",),
    "api:talk-list": (EVENTS,),
    "api:talk-detail": ("talk:{slug}",),
    "api:event-list": (EVENTS,),
    "api:event-detail": ("event:{slug}",),
    "api:organization-list": (PEOPLE,),
    "api:organization-detail": (PEOPLE,),
    "api:grant-list": (GRANTS,),
    "api:grant-detail": ("grant:{pk}",),
}


def ids(rows, attname: str) -> set[int]:
    return {value for row in rows if (value := getattr(row, attname)) is not None}


def named(prefix: str, slugs: Iterable[str]) -> set[str]:
    return {f"{prefix}:{slug}" for slug in slugs if slug}


def researchers(pks: Iterable[int] = (), *among: QuerySet) -> set[str]:
    """The pages of the researchers ``pks`` and of those whose ids the querysets ``among``
    select, in one query."""
    pks = set(pks)
    conditions = [Q(pk__in=query) for query in among] + ([Q(pk__in=pks)] if pks else [])
    if not conditions:
        return set()
    people = Researcher._base_manager.filter(reduce(operator.or_, conditions)).order_by()
    return named("researcher", people.values_list("slug", flat=True))


def researcher_rows(rows) -> set[str]:
    scopes = named("researcher", (row.slug for row in rows)) | {PEOPLE}
    # A name, slug or visibility changed (the row as it was is among the rows): every page
    # naming or linking the person.
    shown = {row.pk for row in rows if getattr(row, "_scopes_previous", False)}
    if shown:
        scopes |= {PUBLICATIONS, EVENTS}
        # Named in other members' similar researchers by their interests.
        if ResearchInterest.objects.filter(researcher__in=shown).exists():
            scopes.add(TOPICS)
        papers = Authorship.objects.filter(researcher__in=shown).values("publication")
        scopes |= publications(papers)
        talks = TalkSpeaker.objects.filter(researcher__in=shown).values("talk")
        hosted = TalkHost.objects.filter(researcher__in=shown).values("talk")
        scopes |= talk_scopes(
            Talk._base_manager.filter(pk__in=talks) | Talk._base_manager.filter(pk__in=hosted)
        )
        events = Participation.objects.filter(researcher__in=shown).values("event")
        scopes |= named(
            "event", Event._base_manager.filter(pk__in=events).values_list("slug", flat=True)
        )
        advisees = Education.objects.filter(advisors__in=shown).values("researcher")
        taught = Teaching.objects.filter(instructor__in=shown).values("researcher")
        scopes |= researchers((), advisees, taught)
        scopes |= grant_scopes(
            GrantInvestigator.objects.filter(researcher__in=shown).values("grant")
        )
    return scopes


def publications(pks, people: Iterable[int] = (), venues: Iterable[int] = ()) -> set[str]:
    """A paper's own pages, its authors', its venue's and its talks'; and the pages of the
    researchers ``people`` and of the venues ``venues``, read with theirs."""
    papers = Publication._base_manager.filter(pk__in=pks)
    rows = list(papers.values_list("slug", "venue_id", "venue__slug"))
    # Venues the papers no longer name (a paper moved or deleted), by their own query.
    venues = set(venues) - {venue for _, venue, _ in rows}
    scopes = named(
        "venue", Venue._base_manager.filter(pk__in=venues).values_list("slug", flat=True)
    )
    if not rows:
        return scopes | researchers(people)
    scopes |= named("publication", (slug for slug, _, _ in rows))
    scopes |= named("venue", (venue for _, _, venue in rows))
    authors = Authorship.objects.filter(publication__in=papers).values("researcher")
    award_owners = Award._base_manager.filter(publication__in=papers).values("researcher")
    scopes |= researchers(people, authors, award_owners)
    scopes |= named(
        "talk", Talk._base_manager.filter(publications__in=papers).values_list("slug", flat=True)
    )
    # A grant lists the papers it funded, on its investigators' pages and in the API.
    scopes |= grant_scopes(Grant._base_manager.filter(publications__in=papers).values("pk"))
    # The member lists show each person's paper count.
    return scopes | {PUBLICATIONS, PEOPLE}


def publication_rows(rows) -> set[str]:
    scopes = named("publication", (row.slug for row in rows))
    papers = publications(ids(rows, "pk"), venues=ids(rows, "venue_id"))
    return scopes | papers | {PUBLICATIONS}


def talk_scopes(talks, people: Iterable[int] = (), events: Iterable[int] = ()) -> set[str]:
    """A talk's pages, its event's, its speakers' and hosts', and the papers it presents;
    and the pages of the researchers ``people`` and of the events ``events``, read with
    theirs."""
    rows = list(talks.values_list("pk", "slug", "event_id", "event__slug"))
    # Events the talks no longer name (a talk moved or deleted), by their own query.
    events = set(events) - {event for _, _, event, _ in rows}
    scopes = named(
        "event", Event._base_manager.filter(pk__in=events).values_list("slug", flat=True)
    )
    if not rows:
        return scopes | researchers(people)
    pks = [pk for pk, _, _, _ in rows]
    scopes |= named("talk", (slug for _, slug, _, _ in rows))
    scopes |= named("event", (event for _, _, _, event in rows))
    speakers = TalkSpeaker.objects.filter(talk__in=pks).values("researcher")
    hosts = TalkHost.objects.filter(talk__in=pks).values("researcher")
    papers = Publication._base_manager.filter(talks__in=pks).values_list("slug", flat=True)
    return scopes | researchers(people, speakers, hosts) | named("publication", papers) | {EVENTS}


def talk_rows(rows) -> set[str]:
    scopes = named("talk", (row.slug for row in rows))
    talks = Talk._base_manager.filter(pk__in=ids(rows, "pk"))
    return scopes | talk_scopes(talks, events=ids(rows, "event_id")) | {EVENTS}


def event_scopes(pks, people: Iterable[int] = ()) -> set[str]:
    events = Event._base_manager.filter(pk__in=pks)
    scopes = named(
        "event", (slug for row in events.values_list("slug", "parent__slug") for slug in row)
    )
    scopes |= talk_scopes(Talk._base_manager.filter(event__in=events))
    participants = Participation.objects.filter(event__in=events).values("researcher")
    return scopes | researchers(people, participants) | {EVENTS}


def event_rows(rows) -> set[str]:
    parents = ids(rows, "parent_id")
    return named("event", (row.slug for row in rows)) | event_scopes(ids(rows, "pk") | parents)


def profile_entries(rows) -> set[str]:
    """An entry on one researcher's profile (and the person cards of the lists)."""
    people = ids(rows, "researcher_id")
    if hasattr(rows[0], "instructor_id"):  # a course names its instructor
        people |= ids(rows, "instructor_id")
    return researchers(people) | {PEOPLE}


def education_rows(rows) -> set[str]:
    advisors = Education.advisors.through.objects.filter(education__in=ids(rows, "pk"))
    return researchers(ids(rows, "researcher_id"), advisors.values("researcher")) | {PEOPLE}


def award_rows(rows) -> set[str]:
    scopes = profile_entries(rows)
    scopes |= named(
        "publication",
        Publication._base_manager.filter(pk__in=ids(rows, "publication_id")).values_list(
            "slug", flat=True
        ),
    )
    scopes |= named(
        "talk",
        Talk._base_manager.filter(pk__in=ids(rows, "talk_id")).values_list("slug", flat=True),
    )
    scopes |= named(
        "event",
        Event._base_manager.filter(pk__in=ids(rows, "event_id")).values_list("slug", flat=True),
    )
    return scopes


def venue_rows(rows) -> set[str]:
    papers = Publication._base_manager.filter(venue__in=ids(rows, "pk")).values("pk")
    return named("venue", (row.slug for row in rows)) | publications(papers) | {PUBLICATIONS}


def project_scopes(pks) -> set[str]:
    """Every member's profile lists the project with its other members."""
    members = ProjectMember.objects.filter(project__in=pks).values("researcher")
    return researchers((), members) | {PEOPLE}


def grant_scopes(pks, people: Iterable[int] = ()) -> set[str]:
    """A grant shows on its investigators' pages (the profile, CV, resume and API), on the
    pages of the papers it funded, and in the API's grants."""
    grants = list(Grant._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
    if not grants:
        return researchers(people)
    investigators = GrantInvestigator.objects.filter(grant__in=grants).values("researcher")
    papers = Publication._base_manager.filter(grants__in=grants).values_list("slug", flat=True)
    scopes = researchers(people, investigators) | named("publication", papers)
    return scopes | named("grant", grants) | {GRANTS}


def membership_rows(rows) -> set[str]:
    """A period in the group: the person's pages, the people list (alumni and their
    years), and the pages of their papers, which mark who was a member when they appeared."""
    people = ids(rows, "researcher_id")
    papers = Authorship.objects.filter(researcher__in=people).values("publication")
    slugs = Publication._base_manager.filter(pk__in=papers).values_list("slug", flat=True)
    return profile_entries(rows) | named("publication", slugs)


def everything(rows) -> set[str]:
    return {ALL}


def nothing_shown(rows) -> set[str]:
    return set()


def register() -> None:
    register_scopes(
        Researcher,
        researcher_rows,
        tracked=(
            "slug",
            "full_name",
            "given_name",
            "family_name",
            "native_name",
            "visibility",
            "is_member",
        ),
    )
    for model in (
        Position,
        ProfileSection,
        MetricsSnapshot,
        ResearcherAlias,
        Service,
    ):
        register_scopes(model, profile_entries, tracked=("researcher_id",))
    register_scopes(
        ResearchInterest, lambda rows: profile_entries(rows) | {TOPICS}, tracked=("researcher_id",)
    )
    register_scopes(Teaching, profile_entries, tracked=("researcher_id", "instructor_id"))
    register_scopes(Education, education_rows, tracked=("researcher_id",))
    register_scopes(
        Award, award_rows, tracked=("researcher_id", "publication_id", "talk_id", "event_id")
    )
    register_scopes(
        ProjectMember,
        lambda rows: project_scopes(ids(rows, "project_id")) | profile_entries(rows),
        tracked=("project_id", "researcher_id"),
    )
    register_scopes(Project, lambda rows: project_scopes(ids(rows, "pk")))
    register_scopes(Membership, membership_rows, tracked=("researcher_id",))
    register_scopes(Grant, lambda rows: grant_scopes(ids(rows, "pk")))
    register_scopes(
        GrantInvestigator,
        lambda rows: grant_scopes(ids(rows, "grant_id"), people=ids(rows, "researcher_id")),
        tracked=("grant_id", "researcher_id"),
    )
    # Written by triggers with the change they follow, which names the pages; saved rows
    # (refresh_metrics) name the researcher's own and the member lists.
    register_scopes(ResearcherFigures, profile_entries)
    register_scopes(Organization, everything)
    # The group's name heads every page, its links are in every footer.
    register_scopes(SiteSettings, everything)
    register_scopes(SiteLink, everything)
    register_scopes(Venue, venue_rows, tracked=("slug",))
    register_scopes(Publication, publication_rows, tracked=("slug", "venue_id"))
    register_scopes(
        Authorship,
        lambda rows: publications(ids(rows, "publication_id"), people=ids(rows, "researcher_id")),
        tracked=("publication_id", "researcher_id"),
    )
    register_scopes(CitationCount, lambda rows: publications(ids(rows, "publication_id")))
    register_scopes(ImportRecord, nothing_shown)
    # Written in SQL with the change to papers, authorships, venues or people they follow,
    # whose own rules name the lists.
    register_scopes(FacetCount, nothing_shown)
    # Rendered with the change to a member, a position or an organization, whose own
    # rules name the pages.
    register_scopes(ResearcherCard, nothing_shown)
    register_scopes(Talk, talk_rows, tracked=("slug", "event_id"))
    for model in (TalkSpeaker, TalkHost):
        register_scopes(
            model,
            lambda rows: talk_scopes(
                Talk._base_manager.filter(pk__in=ids(rows, "talk_id")),
                people=ids(rows, "researcher_id"),
            ),
            tracked=("talk_id", "researcher_id"),
        )
    register_scopes(Event, event_rows, tracked=("slug", "parent_id"))
    register_scopes(
        Participation,
        lambda rows: event_scopes(ids(rows, "event_id"), people=ids(rows, "researcher_id")),
        tracked=("event_id", "researcher_id"),
    )
    register_day_rule(day_changes)


def day_changes(since, until) -> set[str]:
    """Talks that became past and entries that ended between the two days."""
    days = {"date__gte": since, "date__lt": until}
    scopes = talk_scopes(Talk._base_manager.filter(**days))
    ended = {"end_date__gte": since, "end_date__lt": until}
    for model in (Position, Education, Service, Membership):
        scopes |= researchers((), model._base_manager.filter(**ended).values("researcher"))
    return scopes | ({PEOPLE} if scopes else set())
