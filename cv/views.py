import datetime
import heapq
from dataclasses import dataclass, replace
from itertools import groupby

from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
from profiles.cards import current_organizations, member_cards
from profiles.models import Membership, Researcher
from publications.models import Publication, Venue
from publications.rendering import entry_for


@reads_query("role")
class ResearcherListView(ListView):
    """Members first, then alumni with their years in the group; ?role= narrows to one
    role. An alumnus is a member whose role says so, or whose every period in the group
    has ended."""

    template_name = "cv/researcher_list.html"
    context_object_name = "people"

    def get_queryset(self):
        people = members_with_paper_counts()
        role = self.request.GET.get("role", "")
        if role:
            if role not in Researcher.Role.values:
                raise Http404(_("There is no role called %(role)r.") % {"role": role})
            people = people.filter(role=role)
        return people

    def get_context_data(self, **kwargs):
        periods = {}
        for period in Membership.objects.filter(researcher__in=self.object_list.values("pk")):
            periods.setdefault(period.researcher_id, []).append(period)
        left = {pk for pk, theirs in periods.items() if not any(p.is_current for p in theirs)}
        current, alumni = [], []
        for card in member_cards(self.object_list):
            if card.pk in left or card.role == Researcher.Role.ALUMNUS:
                years = ", ".join(period.years for period in periods.get(card.pk, ()))
                alumni.append(replace(card, group_years=years))
            else:
                current.append(card)
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


def paper_news_date(paper: Publication) -> datetime.date:
    return paper.arxiv_date or paper.date or datetime.date(paper.year, 1, 1)


def news_items(publications, talks, awards, limit: int = 6) -> list[NewsItem]:
    """The latest papers, talks and honours, newest first, as a homepage's news list. Only
    the ``limit`` newest papers can be among them: the others are not made into items."""
    publications = heapq.nlargest(limit, publications, key=paper_news_date)
    items = [
        NewsItem(
            date=paper_news_date(p),
            precision=DatePrecision.DAY if (p.arxiv_date or p.date) else DatePrecision.YEAR,
            text=_("New paper")
            if p.status != Publication.Status.PUBLISHED
            else _("Published in %(venue)s") % {"venue": p.venue or p.year},
            title=p.plain_title,
            target=p,
        )
        for p in publications
    ]
    items += [
        NewsItem(
            date=t.date,
            precision=t.date_precision,
            text=_("%(kind)s at %(event)s")
            % {"kind": t.get_kind_display(), "event": t.event.full_name}
            if t.event
            else t.get_kind_display(),
            title=t.title,
            target=t,
        )
        for t in talks
    ]
    items += [
        NewsItem(date=a.date, precision=a.date_precision, text=_("Honour"), title=a.title)
        for a in awards
        if a.date
    ]
    return sorted(items, key=lambda item: item.date, reverse=True)[:limit]


def profile_entry(publication: Publication, owner: Researcher) -> SafeString:
    """A paper as its author's profile lists it: the stored entry with the owner marked,
    then its abstract (if ``has_abstract``, annotated) and BibTeX to unfold. Joined here,
    once per paper, rather than by a template include, which cost a 300-paper profile most
    of its render."""
    toggles = []
    if publication.has_abstract:
        toggles.append(
            f"<details><summary>Abstract</summary>{publication.rendered_abstract}</details>"
        )
    bibtex = escape(publication.bibtex)
    toggles.append(f'<details><summary>BibTeX</summary><pre tabindex="0">{bibtex}</pre></details>')
    return mark_safe(
        f'{entry_for(publication, owner)}\n<div class="toggles">{"".join(toggles)}</div>'
    )


def profile_urls():
    """``Researcher.get_absolute_url`` for many slugs at the cost of one ``reverse()``: the
    slug converter admits only characters a URL leaves unquoted, so the path around it is
    the same for every slug."""
    marker = "slug"
    head, tail = reverse("people:detail", kwargs={"slug": marker}).rsplit(marker, 1)
    return lambda slug: f"{head}{slug}{tail}"


def coauthor_items(coauthors) -> SafeString:
    """The co-author list's items, joined here rather than by a template loop: a 300-paper
    profile has hundreds, and each count's words are looked up once, not per item."""
    url = profile_urls()
    counts = {}
    items = []
    for coauthor in coauthors:
        name = escape(coauthor.full_name)
        if coauthor.is_member:
            name = f'<a href="{url(coauthor.slug)}">{name}</a>'
        if (count := counts.get(coauthor.shared)) is None:
            count = counts[coauthor.shared] = ngettext(
                "%(count)s paper", "%(count)s papers", coauthor.shared
            ) % {"count": coauthor.shared}
        items.append(f'<li>{name} <span class="count">{count}</span></li>')
    return mark_safe("".join(items))


# What a profile's or CV's list of papers reads of each: the stored fragments, what the
# news list and the interests' citations show, not the paper's sources.
LISTED_FIELDS = [
    "slug",
    "year",
    "date",
    "arxiv_date",
    "status",
    "featured",
    "plain_title",
    "rendered_abstract",
    "bibtex",
    "rendered_entry",
]


@dataclass(slots=True)
class ListedPaper:
    """A paper as a profile or CV lists it, read as a plain row: a model instance sets
    every field of the model, which for 300 papers was most of the list's CPU."""

    pk: int
    slug: str
    year: int
    date: datetime.date | None
    arxiv_date: datetime.date | None
    status: str
    featured: bool
    plain_title: str
    rendered_abstract: str
    bibtex: str
    rendered_entry: str
    venue_name: str | None
    venue_short_name: str | None
    has_abstract: bool
    number: int = 0
    profile_entry: SafeString | None = None

    @property
    def venue(self) -> Venue | None:
        """Named as the model names it (``news_items``, for the latest few papers only)."""
        if self.venue_name is None:
            return None
        return Venue(name=self.venue_name, short_name=self.venue_short_name)

    def get_absolute_url(self) -> str:
        return Publication(slug=self.slug).get_absolute_url()


def listed_papers(researcher: Researcher) -> list[ListedPaper]:
    rows = (
        Publication.objects.public()
        .for_researcher(researcher)
        .values(
            "pk",
            *LISTED_FIELDS,
            venue_name=F("venue__name"),
            venue_short_name=F("venue__short_name"),
            # Whether there is an abstract, without reading its source.
            has_abstract=ExpressionWrapper(~Q(abstract=""), BooleanField()),
        )
    )
    return [ListedPaper(**row) for row in rows]


class ProfileMixin:
    """Everything a profile and a CV show, in a fixed number of queries; each page adds its
    own list of papers (``paper_context``)."""

    context_object_name = "researcher"
    url_name = ""  # this page's name under people:, where an old slug redirects

    def get_queryset(self):
        return (
            with_profile_entries(Researcher.objects.public_members())
            .select_related("figures")
            .defer("search_vector")
        )

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
        publications = listed_papers(researcher)
        # Interests cite papers by their number in the list on the same page, as a CV does.
        numbers = {publication.pk: n for n, publication in enumerate(publications, start=1)}
        for publication in publications:
            publication.number = numbers[publication.pk]
        interests = list(
            ResearchInterest.objects.public()
            .filter(researcher=researcher)
            .prefetch_related(
                Prefetch("publications", queryset=Publication.objects.public().only("title"))
            )
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
        context = super().get_context_data(
            grants=grants,
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
            talks=talks,
            participations=Participation.objects.filter(
                researcher=researcher, event__in=Event.objects.published()
            ).select_related("event__parent"),
            sections=researcher.sections.public(),
            **kwargs,
        )
        context.update(self.paper_context(publications, context))
        return context


class ResearcherDetailView(ProfileMixin, DetailView):
    template_name = "cv/researcher_detail.html"
    url_name = "detail"

    def paper_context(self, publications, context) -> dict:
        """The papers by year with their abstracts and BibTeX, each year's items joined
        here; the news, figures, co-authors and similar members beside them."""
        researcher = self.object
        for publication in publications:
            publication.profile_entry = profile_entry(publication, researcher)
        by_year = [
            (
                year,
                mark_safe(
                    "".join(
                        f'<li id="pub-{p.number}" value="{p.number}">{p.profile_entry}</li>'
                        for p in group
                    )
                ),
            )
            for year, group in groupby(publications, lambda p: p.year)
        ]
        figures = stored_figures(researcher)
        return {
            "news": news_items(publications, context["talks"], context["awards"]),
            "selected": [p for p in publications if p.featured],
            "publications_by_year": by_year,
            "figures": figures,
            "coauthors": coauthor_items(coauthors(researcher)),
            "similar": similar_researchers(researcher),
            "papers_chart": bar_chart(figures.papers_per_year, title=_("Papers per year")),
            "citations_chart": bar_chart(figures.citations_per_year, title=_("Citations per year")),
            "snapshots": researcher.metrics_snapshots.all(),
        }

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

    def paper_context(self, publications, context) -> dict:
        """One numbered list of the papers' entries, joined here rather than by a template
        include per paper."""
        researcher = self.object
        return {
            "cv_entries": mark_safe(
                "".join(
                    f'<li id="pub-{p.number}">{entry_for(p, researcher)}\n</li>'
                    for p in publications
                )
            )
        }


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
