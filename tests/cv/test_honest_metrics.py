"""Figures the site cannot compute say so ("not yet synced" on the page, null in the API);
figures an outside listing reported show with their source and date, unless they cannot
all be true, which editors see flagged in the admin."""

import datetime

import pytest

from profiles.models import IMPLAUSIBLE, MetricsSnapshot
from tests import factories as f
from tests.publications.test_views import get

pytestmark = pytest.mark.django_db


def metrics_section(html: str) -> str:
    section = html[html.index('id="metrics"') :]
    return section[: section.index("</section>")]


@pytest.fixture
def unsynced():
    researcher = f.ResearcherFactory(full_name="Ann Lee", slug="ann-lee", is_member=True)
    for _ in range(3):
        f.AuthorshipFactory(researcher=researcher)
    return researcher


@pytest.fixture
def synced():
    researcher = f.ResearcherFactory(full_name="Bo Li", slug="bo-li", is_member=True)
    for count in (12, 3, 0):
        f.AuthorshipFactory(researcher=researcher, publication__citation_count=count)
    return researcher


def test_without_citation_data_the_citation_figures_say_not_yet_synced(client, unsynced):
    metrics = metrics_section(get(client, unsynced.get_absolute_url()))
    assert metrics.count("<dd>not yet synced</dd>") == 3
    for label in ("Citations", "h-index", "i10-index"):
        assert f"<dt>{label}</dt><dd>not yet synced</dd>" in metrics
    assert "<dt>Papers</dt><dd>3</dd>" in metrics  # what the site can count, it shows
    assert "<dd>0</dd>" not in metrics.replace("<dt>Co-authors</dt><dd>0</dd>", "")


def test_with_citation_data_the_figures_are_shown(client, synced):
    metrics = metrics_section(get(client, synced.get_absolute_url()))
    assert "not yet synced" not in metrics
    assert "<dt>Citations</dt><dd>15</dd>" in metrics
    assert "<dt>h-index</dt><dd>2</dd>" in metrics
    assert "<dt>i10-index</dt><dd>1</dd>" in metrics


def test_the_api_gives_null_for_what_was_never_synced(client, unsynced, synced):
    metrics = client.get("/api/v1/researchers/ann-lee/").json()["metrics"]
    assert metrics == {
        "papers": 3,
        "citations": None,
        "h_index": None,
        "i10_index": None,
        "coauthors": metrics["coauthors"],
        "citations_synced": False,
    }
    metrics = client.get("/api/v1/researchers/bo-li/").json()["metrics"]
    assert (metrics["citations"], metrics["h_index"], metrics["i10_index"]) == (15, 2, 1)
    assert metrics["citations_synced"] is True


def test_a_yearly_citation_row_counts_as_synced_even_at_zero_total(client, unsynced):
    paper = unsynced.authorships.first().publication
    f.CitationCountFactory(publication=paper, year=2024, count=0)
    metrics = client.get("/api/v1/researchers/ann-lee/").json()["metrics"]
    assert metrics["citations_synced"] is True
    assert metrics["citations"] == 0


def test_a_reported_figure_shows_its_source_and_date(client, unsynced):
    f.MetricsSnapshotFactory(
        researcher=unsynced,
        source="Google Scholar",
        source_url="https://scholar.google.com/citations?user=abc",
        as_of=datetime.date(2025, 3, 4),
        paper_count=12,
        citation_count=345,
        h_index=8,
    )
    metrics = metrics_section(get(client, unsynced.get_absolute_url()))
    assert (
        'As reported by <a href="https://scholar.google.com/citations?user=abc">Google Scholar</a>'
        ' on <time datetime="2025-03-04">4 Mar 2025</time>:'
    ) in metrics
    assert "12 papers, 345 citations, h-index 8." in metrics


def test_an_impossible_snapshot_is_not_shown_as_fact(client, unsynced):
    f.MetricsSnapshotFactory(
        researcher=unsynced, source="Paper listing", paper_count=9, citation_count=36, h_index=15
    )
    html = get(client, unsynced.get_absolute_url())
    assert "Paper listing" not in html
    assert "h-index 15" not in html


def test_the_demo_listing_with_h_index_above_its_paper_count_is_held_back(client, demo):
    snapshot = MetricsSnapshot.objects.get(researcher__slug="zhiwei-bai")
    assert snapshot.problems
    assert "h-index 15" not in get(client, "/people/zhiwei-bai/")


@pytest.mark.parametrize(
    ("figures", "problem"),
    [
        ({"paper_count": 9, "h_index": 15, "citation_count": 400}, "above the 9 papers"),
        ({"paper_count": 9, "i10_index": 12}, "i10-index 12 is above the 9 papers"),
        ({"h_index": 12, "i10_index": 4, "citation_count": 900}, "yet i10-index is 4"),
        ({"h_index": 8, "citation_count": 36}, "needs at least 64 citations, not 36"),
    ],
)
def test_impossible_combinations_are_named(figures, problem):
    values = {"paper_count": None, "citation_count": None, "h_index": None, "i10_index": None}
    snapshot = f.MetricsSnapshotFactory(**{**values, **figures})
    assert any(problem in text for text in snapshot.problems), snapshot.problems
    assert MetricsSnapshot.objects.filter(IMPLAUSIBLE).get() == snapshot


@pytest.mark.parametrize(
    "figures",
    [
        {"paper_count": 12, "citation_count": 345, "h_index": 8, "i10_index": 6},
        {"paper_count": None, "citation_count": None, "h_index": 3, "i10_index": None},
        {"paper_count": 40, "citation_count": 100, "h_index": 10, "i10_index": 10},
    ],
)
def test_possible_figures_raise_nothing(figures):
    snapshot = f.MetricsSnapshotFactory(**figures)
    assert snapshot.problems == []
    assert not MetricsSnapshot.objects.filter(IMPLAUSIBLE).exists()


# The admin ---------------------------------------------------------------------------------


@pytest.fixture
def impossible():
    return f.MetricsSnapshotFactory(
        researcher=f.ResearcherFactory(is_member=True),
        source="Paper listing",
        paper_count=9,
        citation_count=36,
        h_index=15,
    )


def test_the_admin_list_flags_an_impossible_snapshot(admin_client, impossible):
    f.MetricsSnapshotFactory(source="Google Scholar")
    changelist = "/admin/profiles/metricssnapshot/"
    html = get(admin_client, changelist)
    assert "Figures check" in html
    assert "Not shown on the profile: h-index 15 is above the 9 papers counted." in html
    assert "Plausible" in html
    row = 'class="field-source">Paper listing<'
    flagged = get(admin_client, f"{changelist}?figures=implausible")
    assert row in flagged and 'class="field-source">Google Scholar<' not in flagged
    assert row not in get(admin_client, f"{changelist}?figures=plausible")


def test_the_researcher_form_shows_the_check_on_the_snapshot(admin_client, impossible):
    researcher = impossible.researcher.pk
    html = get(admin_client, f"/admin/profiles/researcher/{researcher}/change/?part=page")
    assert "h-index 15 is above the 9 papers counted." in html


def test_saving_an_impossible_snapshot_warns_the_editor(admin_client, impossible):
    url = f"/admin/profiles/metricssnapshot/{impossible.pk}/change/"
    response = admin_client.post(
        url,
        {
            "researcher": impossible.researcher.pk,
            "source": "Paper listing",
            "source_url": "",
            "as_of": "2026-11-23",
            "paper_count": "9",
            "citation_count": "36",
            "h_index": "15",
            "i10_index": "",
            "extra": "{}",
        },
        follow=True,
    )
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings and "h-index 15 is above the 9 papers counted." in warnings[0]
