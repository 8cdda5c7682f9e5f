from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from core.cache import reads_query
from core.search import MAX_QUERY_LENGTH, clean_query
from cv.metrics import members_with_paper_counts
from cv.views import news_items
from events.models import Talk
from profiles.cards import member_cards
from profiles.models import Researcher
from publications.models import Publication
from scholarfolio import exports
from scholarfolio.experts import find_experts
from scholarfolio.search import SEARCH_TYPES, site_search

# The front page's member groups, in the order of Researcher.Role.
ROLE_HEADINGS = {
    Researcher.Role.FACULTY: _("Faculty"),
    Researcher.Role.POSTDOC: _("Postdoctoral researchers"),
    Researcher.Role.PHD: _("PhD students"),
    Researcher.Role.MASTERS: _("Master's students"),
    Researcher.Role.UNDERGRAD: _("Undergraduate students"),
    Researcher.Role.STAFF: _("Staff"),
    Researcher.Role.EXTERNAL: _("Other members"),
}


# What cv.views.news_items reads of a paper and of a talk.
NEWS_PAPER_FIELDS = (
    "slug",
    "year",
    "date",
    "arxiv_date",
    "status",
    "plain_title",
    "venue__name",
    "venue__short_name",
)
NEWS_TALK_FIELDS = (
    "slug",
    "title",
    "date",
    "date_precision",
    "kind",
    "event__name",
    "event__parent__name",
)

# What the front page's upcoming talks show, besides their speakers (Talk.when).
UPCOMING_TALK_FIELDS = ("slug", "title", "date", "date_precision", "start", "end", "timezone")


def members_by_role(members) -> list[tuple[str, list]]:
    """(heading, cards) for each role that has members, in ROLE_HEADINGS' order."""
    return [
        (heading, group)
        for role, heading in ROLE_HEADINGS.items()
        if (group := [member for member in members if member.role == role])
    ]


def home(request):
    members = member_cards(members_with_paper_counts().exclude(role=Researcher.Role.ALUMNUS))
    # Their stored entries name the authors: no authorships to read. Only the columns the
    # entries and the news show: the rows' other fields were most of the query's time.
    recent = list(
        Publication.objects.public()
        .select_related("venue")
        .only(*NEWS_PAPER_FIELDS, "rendered_entry")[:10]
    )
    talks = Talk.objects.published()
    # The list shows no event: with_people's speakers, without its joins to the events.
    upcoming = talks.upcoming().with_people().select_related(None).only(*UPCOMING_TALK_FIELDS)[:5]
    past = talks.past().select_related("event__parent").only(*NEWS_TALK_FIELDS)[:6]
    return render(
        request,
        "scholarfolio/home.html",
        {
            "members": members,
            "member_groups": members_by_role(members),
            "news": news_items(recent, past, awards=()),
            "recent_publications": recent[:6],
            "upcoming_talks": upcoming,
        },
    )


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@require_safe
def download(request, fmt: str, scope: str = "site", slug: str = ""):
    """A file of scholarfolio.exports; the URL pattern gives the format and the scope."""
    try:
        file = exports.export(fmt, request.build_absolute_uri, scope, slug)
    except exports.NotFound as error:
        raise Http404(str(error)) from None
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@reads_query("q", "type", "page")
def search(request):
    """/search/?q=...&type=people|papers|talks&page=N; no query, no database search."""
    only = request.GET.get("type", "")
    error = ""
    if only and only not in SEARCH_TYPES:
        # As on the publication list: a link naming no type is the link's fault; say so.
        error = _("There is no result type called “%(type)s”; showing all types.") % {"type": only}
        only = ""
    results = site_search(
        text=clean_query(request.GET.get("q", "")), only=only, page=request.GET.get("page")
    )
    return render(
        request,
        "scholarfolio/search.html",
        {"results": results, "error": error, "max_length": MAX_QUERY_LENGTH},
        status=400 if error else 200,
    )


@reads_query("q", "page")
def experts(request):
    """/experts/?q=...&page=N: members ranked by how their interests, papers and talks
    match (scholarfolio.experts)."""
    results = find_experts(text=clean_query(request.GET.get("q", "")), page=request.GET.get("page"))
    return render(
        request, "scholarfolio/experts.html", {"results": results, "max_length": MAX_QUERY_LENGTH}
    )
