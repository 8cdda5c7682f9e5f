"""A researcher's public profile as a JSON Resume (jsonresume.org, schema 1.0).

Public records only, chosen as the profile page and the API choose them. Dates keep the
precision they are known to (2021, 2021-09, 2021-09-01). The schema has no section for talks
or teaching and its top level takes no other key, so both are ``projects`` with a ``type``,
as the schema's own examples ("talk", "presentation") suggest. The e-mail address is left
out: the profile page obfuscates it against scrapers, and a JSON file would hand it to them.
"""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from core.models import iso_partial_date
from cv.models import ResearchInterest, Service
from events.models import Event, Participation
from events.views import published_talks, talk_place
from profiles.models import DateRangeMixin, ProfileSection, Researcher
from publications.citation import venue_name
from publications.models import Publication

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def _compact(data: dict) -> dict:
    """Empty values left out: the schema's strings and dates may be absent, not empty."""
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def _period(entry: DateRangeMixin) -> dict:
    return {
        "startDate": iso_partial_date(entry.start_date, entry.date_precision),
        "endDate": iso_partial_date(entry.end_date, entry.date_precision),
    }


def _basics(researcher: Researcher, absolute_url: Callable[[str], str]) -> dict:
    page = absolute_url(researcher.get_absolute_url())
    links = [
        ("ORCID", researcher.orcid, "https://orcid.org/"),
        (
            "Google Scholar",
            researcher.google_scholar_id,
            "https://scholar.google.com/citations?user=",
        ),
        ("GitHub", researcher.github, "https://github.com/"),
        ("OpenAlex", researcher.openalex_id, "https://openalex.org/"),
    ]
    profiles = [
        {"network": network, "username": name, "url": f"{prefix}{name}"}
        for network, name, prefix in links
        if name
    ]
    profiles.append({"network": settings.SITE_NAME, "username": researcher.slug, "url": page})
    return _compact(
        {
            "name": researcher.full_name,
            "label": researcher.headline,
            "image": absolute_url(researcher.photo.url) if researcher.photo else "",
            "url": researcher.homepage or page,
            "summary": researcher.bio,
            "location": _compact({"address": researcher.office}),
            "profiles": profiles,
        }
    )


def _work(researcher: Researcher) -> list[dict]:
    return [
        _compact(
            {
                "name": str(position.organization),
                "position": position.title or position.get_kind_display(),
                "location": position.organization.place,
                "url": position.organization.url,
                "summary": position.description,
                **_period(position),
            }
        )
        for position in researcher.positions.all()
    ]


def _education(researcher: Researcher) -> list[dict]:
    entries = []
    for entry in researcher.education.all():
        advisors = ", ".join(advisor.full_name for advisor in entry.advisors.all())
        notes = [
            entry.honours_programme,
            f"Thesis: {entry.thesis_title}" if entry.thesis_title else "",
            f"Advisor: {advisors}" if advisors else "",
            entry.description,
        ]
        entries.append(
            _compact(
                {
                    "institution": str(entry.institution),
                    "url": entry.institution.url,
                    "area": entry.field,
                    "studyType": entry.degree_title,
                    "score": entry.rank_note,
                    # Not a schema field, but entries may carry more and themes show a summary.
                    "summary": "\n\n".join(note for note in notes if note),
                    **_period(entry),
                }
            )
        )
    return entries


def _awards(researcher: Researcher) -> list[dict]:
    entries = []
    for award in researcher.awards.all():
        # with_profile_entries() leaves an unpublished event None.
        event = award.event
        awarder = event.full_name if event else (award.issuer.name if award.issuer else "")
        amount = f"{award.amount:,.0f} {award.currency}" if award.amount else ""
        notes = ", ".join(part for part in (award.distinction, amount) if part)
        entries.append(
            _compact(
                {
                    "title": award.title,
                    "date": iso_partial_date(award.date, award.date_precision),
                    "awarder": awarder,
                    "url": award.url,
                    "summary": "\n\n".join(part for part in (award.description, notes) if part),
                }
            )
        )
    return entries


def _served(service: Service) -> tuple[str, str]:
    """The name and web address of what the service was for."""
    if service.venue:
        return str(service.venue), service.venue.url
    if service.event:
        return service.event.full_name, service.event.url
    if service.organization:
        return str(service.organization), service.organization.url
    return "", ""


def _volunteer(researcher: Researcher, participations) -> list[dict]:
    entries = []
    for service in researcher.services.all():
        organization, url = _served(service)
        entries.append(
            _compact(
                {
                    "organization": organization,
                    "position": service.role,
                    "url": url,
                    "summary": service.description,
                    **_period(service),
                }
            )
        )
    for participation in participations:
        event = participation.event
        entries.append(
            _compact(
                {
                    "organization": event.full_name,
                    "position": participation.title or participation.get_role_display(),
                    "url": event.url,
                    "summary": participation.note,
                    "startDate": iso_partial_date(event.start_date, event.date_precision),
                    "endDate": iso_partial_date(event.end_date, event.date_precision),
                }
            )
        )
    return entries


def _publication(publication: Publication, absolute_url: Callable[[str], str]) -> dict:
    link = publication.doi_url or publication.url or publication.arxiv_url
    return _compact(
        {
            "name": publication.title,
            "publisher": venue_name(publication),
            "releaseDate": str(publication.date or publication.year),
            "url": link or absolute_url(publication.get_absolute_url()),
            # The byline, as a CV lists it; the abstract is one link away.
            "summary": ", ".join(a.display_name for a in publication.authorships.all()),
        }
    )


def _interests(researcher: Researcher) -> list[dict]:
    # Hiding a topic hides its subtopics: only children of public roots are reached.
    interests = list(ResearchInterest.objects.public().filter(researcher=researcher))
    return [
        _compact(
            {
                "name": root.title,
                "keywords": [child.title for child in interests if child.parent_id == root.pk],
            }
        )
        for root in interests
        if root.parent_id is None
    ]


def _talk(talk, absolute_url: Callable[[str], str]) -> dict:
    host = talk.event.full_name if talk.event else ""
    if not host and talk.host_organization:
        host = talk.host_organization.name
    return _compact(
        {
            "name": talk.title,
            "description": talk.abstract,
            "url": absolute_url(talk.get_absolute_url()),
            "roles": ["Speaker"],
            "entity": host,
            "location": talk_place(talk),
            # A timed talk's date is its day in its own zone (Talk.save).
            "startDate": iso_partial_date(talk.date, talk.date_precision),
            "type": talk.get_kind_display().lower(),
        }
    )


def _projects(researcher: Researcher, talks, absolute_url: Callable[[str], str]) -> list[dict]:
    projects = [
        _compact(
            {
                "name": membership.project.title,
                "description": membership.project.description,
                "url": membership.project.url or membership.project.code_url,
                "roles": [membership.role] if membership.role else [],
                "type": membership.project.get_kind_display().lower(),
            }
        )
        for membership in researcher.project_memberships.all()
    ]
    projects += [_talk(talk, absolute_url) for talk in talks]
    projects += [
        _compact(
            {
                "name": " ".join(part for part in (course.course_code, course.course) if part),
                "description": course.programme,
                "url": course.url,
                "roles": [course.get_role_display()],
                "entity": str(course.organization),
                "startDate": str(course.year),
                "type": "teaching",
            }
        )
        for course in researcher.teaching.all()
    ]
    return projects


# The schema's sections that have no model here: an import keeps their items on a profile
# section (ProfileSection.resume_items), given back when the section is public.
KEPT_SECTIONS = ("skills", "languages", "certificates", "references")


def _kept_sections(researcher: Researcher) -> dict:
    kept = {}
    for section in ProfileSection.objects.public().filter(
        researcher=researcher, resume_key__in=KEPT_SECTIONS
    ):
        if section.resume_items:
            kept.setdefault(section.resume_key, []).extend(section.resume_items)
    return kept


def json_resume(researcher: Researcher, absolute_url: Callable[[str], str]) -> dict:
    """The resume of a public member fetched ``with_profile_entries()``; ``absolute_url``
    turns a path into a full URL. Papers, talks, interests and roles at events take a
    fixed number of queries more."""
    publications = Publication.objects.public().for_researcher(researcher).with_authors()
    talks = published_talks().for_researcher(researcher)
    participations = (
        Participation.objects.filter(researcher=researcher, event__in=Event.objects.published())
        .exclude(role=Participation.Role.ATTENDEE)
        .select_related("event__parent")
    )
    resume_path = reverse("site:researcher_resume", kwargs={"slug": researcher.slug})
    return {
        "$schema": SCHEMA_URL,
        "basics": _basics(researcher, absolute_url),
        "work": _work(researcher),
        "volunteer": _volunteer(researcher, participations),
        "education": _education(researcher),
        "awards": _awards(researcher),
        "publications": [_publication(p, absolute_url) for p in publications],
        "interests": _interests(researcher),
        "projects": _projects(researcher, talks, absolute_url),
        **_kept_sections(researcher),
        "meta": {"canonical": absolute_url(resume_path), "version": "v1.0.0"},
    }
