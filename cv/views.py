import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from core.cache import reads_query
from core.models import DatePrecision, Visibility, format_partial_date
from core.signposting import add_link_header
from cv.charts import bar_chart
from cv.collaborators import collaborators_file
from cv.metrics import coauthors, members_with_paper_counts, stored_figures
from cv.models import ResearcherAlias, ResearchInterest, with_profile_entries
from cv.network import group_network, member_network
from cv.similar import similar_researchers
from events.models import Event, Participation
from events.views import published_talks
from profiles import structured
from profiles.models import Position, Researcher
from publications.models import Publication
from publications.rendering import entry_for


@reads_query("role")
class ResearcherListView(ListView):
    """Members first, then alumni with their years in the group; ?role= narrows to one
    role. An alumnus is a member whose role says so, or whose every period in the group
    has ended."""

    template_name = "cv/researcher_list.html"
    context_object_name = "people"

    def get_queryset(self):
        people = members_with_paper_counts().prefetch_related(card_positions(), "memberships")
        role = self.request.GET.get("role", "")
        if role:
            if role not in Researcher.Role.values:
                raise Http404(f"There is no role called {role!r}.")
            people = people.filter(role=role)
        return people

    def get_context_data(self, **kwargs):
        people = with_current_organizations(self.object_list)
        current, alumni = [], []
        for person in people:
            periods = list(person.memberships.all())
            left = bool(periods) and not any(period.is_current for period in periods)
            if left or person.role == Researcher.Role.ALUMNUS:
                person.group_years = ", ".join(period.years for period in periods)
                alumni.append(person)
            else:
                current.append(person)
        roles_present = set(
            Researcher.objects.public_members().values_list("role", flat=True).distinct()
        )
        return super().get_context_data(
            members=current,
            alumni=alumni,
            roles=[(v, label) for v, label in Researcher.Role.choices if v in roles_present],
            selected_role=self.request.GET.get("role", ""),
            **kwargs,
        )


@dataclass(frozen=True)
class NewsItem:
    date: datetime.date
    precision: str
    text: str
    title: str
    target: object = None  # what the item links to, if anything

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.precision)

    @property
    def url(self) -> str:
        # Reversed for the few items shown, not for every paper of the profile.
        return self.target.get_absolute_url() if self.target is not None else ""


def news_items(publications, talks, awards, limit: int = 6) -> list[NewsItem]:
    """The latest papers, talks and honours, newest first, as a homepage's news list."""
    items = [
        NewsItem(
            date=p.arxiv_date or p.date or datetime.date(p.year, 1, 1),
            precision=DatePrecision.DAY if (p.arxiv_date or p.date) else DatePrecision.YEAR,
            text="New paper"
            if p.status != Publication.Status.PUBLISHED
            else f"Published in {p.venue or p.year}",
            title=p.plain_title,
            target=p,
        )
        for p in publications
    ]
    items += [
        NewsItem(
            date=t.date,
            precision=t.date_precision,
            text=t.get_kind_display() + (f" at {t.event.full_name}" if t.event else ""),
            title=t.title,
            target=t,
        )
        for t in talks
    ]
    items += [
        NewsItem(date=a.date, precision=a.date_precision, text="Honour", title=a.title)
        for a in awards
        if a.date
    ]
    return sorted(items, key=lambda item: item.date, reverse=True)[:limit]


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


def with_current_organizations(people) -> list:
    """``people`` (prefetched with ``card_positions()``) as a list, each person carrying
    ``current_organizations`` for its card."""
    people = list(people)
    for person in people:
        person.current_organizations = current_organizations(person.positions.all())
    return people


def profile_entry(publication: Publication, owner: Researcher) -> SafeString:
    """A paper as its author's profile lists it: the stored entry with the owner marked,
    then its abstract and BibTeX to unfold. Joined here, once per paper, rather than by a
    template include, which cost a 300-paper profile most of its render."""
    toggles = []
    if publication.abstract:
        toggles.append(
            f"<details><summary>Abstract</summary>{publication.rendered_abstract}</details>"
        )
    bibtex = escape(publication.bibtex)
    toggles.append(f'<details><summary>BibTeX</summary><pre tabindex="0">{bibtex}</pre></details>')
    return mark_safe(
        f'{entry_for(publication, owner)}\n<div class="toggles">{"".join(toggles)}</div>'
    )


class ProfileMixin:
    """Everything a profile shows, in a fixed number of queries."""

    context_object_name = "researcher"
    url_name = ""  # this page's name under people:, where an old slug redirects
    shows_similar = False  # the members most like this one, in one more query

    def get_queryset(self):
        return with_profile_entries(Researcher.objects.public_members()).select_related("figures")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A slug merged into another researcher (cv.merge) and taken by nobody since:
            # its pages moved for good.
            slug = kwargs["slug"]
            if Researcher.objects.filter(slug=slug).exists():
                raise
            # Only to a page anyone may see: a hidden researcher's slug is not given away.
            kept = ResearcherAlias.objects.filter(
                slug=slug, researcher__in=Researcher.objects.public_members()
            ).values_list("researcher__slug", flat=True)
            if not kept:
                raise
            return redirect(f"people:{self.url_name}", slug=kept[0], permanent=True)

    def get_context_data(self, **kwargs):
        researcher = self.object
        # Each paper shows its stored entry, abstract and BibTeX: its authors are not read.
        publications = list(
            Publication.objects.public()
            .for_researcher(researcher)
            .select_related("venue")
            .defer("search_vector", "csl_json")
        )
        # Interests cite papers by their number in the list on the same page, as a CV does.
        numbers = {publication.pk: n for n, publication in enumerate(publications, start=1)}
        for publication in publications:
            publication.number = numbers[publication.pk]
            publication.profile_entry = profile_entry(publication, researcher)
        interests = list(
            ResearchInterest.objects.public()
            .filter(researcher=researcher)
            .prefetch_related(Prefetch("publications", queryset=Publication.objects.public()))
        )
        children: dict[int | None, list] = {}
        for interest in interests:
            children.setdefault(interest.parent_id, []).append(interest)
        for interest in interests:
            interest.child_list = children.get(interest.pk, [])
            interest.citations = sorted(
                (numbers[p.pk], p) for p in interest.publications.all() if p.pk in numbers
            )
        memberships = list(researcher.project_memberships.all())
        for membership in memberships:
            membership.others = [
                other
                for other in membership.project.memberships.all()
                if other.researcher_id != researcher.pk
                and other.researcher.visibility == Visibility.PUBLIC
            ]
        figures = stored_figures(researcher)
        talks = list(published_talks().for_researcher(researcher))
        positions = list(researcher.positions.all())
        awards = list(researcher.awards.all())
        grants = researcher.public_grant_roles
        for role in grants:
            role.others = [
                link
                for link in role.grant.public_investigators
                if link.researcher_id != researcher.pk
            ]
        return super().get_context_data(
            grants=grants,
            news=news_items(publications, talks, awards),
            current_organizations=current_organizations(positions),
            positions=positions,
            awards=awards,
            teaching=list(researcher.teaching.all()),
            education=list(researcher.education.all()),
            services=list(researcher.services.all()),
            group_periods=list(researcher.memberships.all()),
            memberships=memberships,
            interests=children.get(None, []),
            publications=publications,
            selected=[p for p in publications if p.featured],
            publications_by_year=[
                (year, list(group)) for year, group in groupby(publications, lambda p: p.year)
            ],
            figures=figures,
            coauthors=coauthors(researcher),
            similar=similar_researchers(researcher) if self.shows_similar else [],
            papers_chart=bar_chart(figures.papers_per_year, title="Papers per year"),
            citations_chart=bar_chart(figures.citations_per_year, title="Citations per year"),
            talks=talks,
            participations=Participation.objects.filter(
                researcher=researcher, event__in=Event.objects.published()
            ).select_related("event__parent"),
            sections=researcher.sections.public(),
            snapshots=researcher.metrics_snapshots.all(),
            **kwargs,
        )


class ResearcherDetailView(ProfileMixin, DetailView):
    template_name = "cv/researcher_detail.html"
    url_name = "detail"
    shows_similar = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(structured_head(self.request, self.object, context))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return add_link_header(response, context["signposts"])


def structured_head(request, researcher: Researcher, context) -> dict:
    """What the profile's head tells crawlers (profiles.structured), from what the view
    loaded."""
    absolute = request.build_absolute_uri
    json_ld = structured.profile_page(researcher, context["current_organizations"], absolute)
    return {
        "canonical_url": json_ld["url"],
        "json_ld": json_ld,
        "og_image": json_ld["mainEntity"].get("image", ""),
        "signposts": structured.profile_signposts(
            researcher, absolute(reverse("site:researcher_resume", args=[researcher.slug]))
        ),
    }


class ResearcherCVView(ProfileMixin, DetailView):
    template_name = "cv/researcher_cv.html"
    url_name = "cv"


def researcher_network(request, slug: str):
    """A member's co-author network: the drawing and the same data as a table."""
    researcher = get_object_or_404(
        Researcher.objects.public_members().select_related("figures"), slug=slug
    )
    return render(
        request,
        "cv/network.html",
        {"researcher": researcher, "network": member_network(researcher)},
    )


def network(request):
    """The group's co-author network."""
    return render(request, "cv/network.html", {"network": group_network()})


@require_safe
def collaborators(request, slug: str, fmt: str):
    """The NSF collaborators table of a member with a public profile (cv.collaborators)."""
    researcher = get_object_or_404(Researcher.objects.public_members(), slug=slug)
    return collaborators_file(researcher, fmt)
