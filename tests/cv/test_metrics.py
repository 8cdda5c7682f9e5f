import re

import pytest

from cv.charts import bar_chart
from cv.metrics import coauthors, computed_figures, h_index, i10_index, stored_figures
from publications.models import Authorship, CitationCount
from tests.factories import PublicationFactory, ResearcherFactory


@pytest.mark.parametrize(
    ("counts", "h"),
    [([], 0), ([0, 0], 0), ([10, 8, 5, 4, 3], 4), ([25, 8, 5, 3, 3], 3), ([1], 1), ([100], 1)],
)
def test_h_index(counts, h):
    assert h_index(counts) == h


def test_i10_index_counts_papers_with_ten_or_more():
    assert i10_index([10, 9, 11, 0, 250]) == 3


def test_bar_chart_fills_missing_years_and_scales_to_the_highest():
    chart = bar_chart([(2022, 2), (2024, 4)], title="Papers per year", width=300, height=140)
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("2022", 2),
        ("2023", 0),
        ("2024", 4),
    ]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.y == 16 and tallest.y + tallest.height == chart.baseline
    assert chart.bars[0].height == tallest.height / 2


def test_bar_chart_marks_are_a_bar_per_year_a_value_per_nonzero_bar_and_the_shown_labels():
    chart = bar_chart([(2022, 2), (2024, 4)], title="Papers per year", width=300, height=140)
    assert chart.summary == "2022 2, 2023 0, 2024 4"
    marks = str(chart.marks)
    assert marks.count('class="bar"/>') == 3
    assert re.findall(r'class="value" text-anchor="end">(\d+)<', marks) == ["2", "4"]
    assert re.findall(r'class="year">(\d+)<', marks) == ["2022", "2023", "2024"]
    tallest = chart.bars[2]
    assert f'<rect x="{tallest.x}" y="16.0" width="{tallest.width}" height="104.0"' in marks


def test_bar_chart_thins_labels_when_they_would_collide():
    chart = bar_chart([(1990, 1), (2025, 1)], title="t", width=320)
    shown = [bar.label for bar in chart.bars if bar.show_label]
    assert shown[0] == "1990" and shown[-1] == "2025" and len(shown) < 36


def test_no_data_means_no_chart():
    assert bar_chart([], title="Citations per year") is None


@pytest.mark.django_db
def test_figures_use_public_papers_and_count_shared_papers():
    me, friend, stranger = ResearcherFactory(), ResearcherFactory(), ResearcherFactory()
    counts = [12, 10, 3, 1]
    for n, citations in enumerate(counts):
        paper = PublicationFactory(citation_count=citations, year=2020 + n % 2)
        Authorship.objects.create(publication=paper, researcher=me, position=1)
        if n < 2:
            Authorship.objects.create(publication=paper, researcher=friend, position=2)
        CitationCount.objects.create(publication=paper, year=2024, count=citations)
    hidden = PublicationFactory(citation_count=1000, visibility="hidden")
    Authorship.objects.create(publication=hidden, researcher=me, position=1)
    Authorship.objects.create(publication=hidden, researcher=stranger, position=2)

    me.refresh_from_db()  # no cached figures
    for figures in (computed_figures(me), stored_figures(me)):
        assert (figures.papers, figures.citations, figures.h_index, figures.i10_index) == (
            4,
            26,
            3,
            2,
        )
        assert figures.coauthor_count == 1
        assert figures.papers_per_year == [[2020, 2], [2021, 2]]
        assert figures.citations_per_year == [[2024, 26]]
    assert [(c.slug, c.shared) for c in coauthors(me)] == [(friend.slug, 2)]
