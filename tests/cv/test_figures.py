"""A researcher's stored figures (cv.models.ResearcherFigures) equal a fresh computation
(cv.metrics.computed_figures) after every kind of write, through the ORM or past it, and the
pages read the stored ones."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F

from cv.merge import researchers_merge
from cv.metrics import computed_figures, deferred_figures, stale_figures, stored_figures
from cv.models import ResearcherFigures
from profiles.models import Researcher
from publications.bibtex_reader import read_bibtex
from publications.bulk import copy_insert
from publications.importer import Importer
from publications.models import Authorship, CitationCount, Publication
from tests.factories import (
    AuthorshipFactory,
    CitationCountFactory,
    PublicationFactory,
    ResearcherFactory,
)

pytestmark = pytest.mark.django_db


def figures_of(slug: str) -> ResearcherFigures:
    return stored_figures(Researcher.objects.select_related("figures").get(slug=slug))


def assert_current():
    assert stale_figures() == []


def write_with(paper, *people):
    for position, person in enumerate(people, start=1):
        Authorship.objects.create(publication=paper, researcher=person, position=position)


def test_the_demo_figures_follow_a_sequence_of_edits(demo):
    me = Researcher.objects.get(slug="zhiwei-bai")
    friend = Researcher.objects.get(slug="yaoyu-zhang")
    before = figures_of("zhiwei-bai")
    assert before.papers == 10 and before.coauthor_count > 1
    assert_current()

    paper = PublicationFactory(year=2019, citation_count=40)
    write_with(paper, me, friend)
    assert figures_of("zhiwei-bai").papers == 11
    assert [2019, 1] in figures_of("zhiwei-bai").papers_per_year
    assert_current()

    paper.visibility = "hidden"
    paper.save()
    assert figures_of("zhiwei-bai").papers == 10
    assert_current()

    shared = Authorship.objects.filter(
        researcher=me, publication__visibility="public", publication__authorships__researcher=friend
    ).first()
    shared.delete()
    assert figures_of("zhiwei-bai").papers == 9
    assert_current()

    # As the citation sync writes the totals: update(), no signal.
    cited = figures_of("zhiwei-bai").citations
    Publication.objects.filter(authorships__researcher=me).update(
        citation_count=F("citation_count") + 100
    )
    assert figures_of("zhiwei-bai").citations == cited + 9 * 100
    CitationCountFactory(publication=me.authorships.first().publication, year=2030, count=5)
    assert figures_of("zhiwei-bai").citations_per_year[-1] == [2030, 5]
    assert_current()

    friend.visibility = "hidden"
    friend.save()
    assert figures_of("zhiwei-bai").coauthor_count == before.coauthor_count - 1
    assert_current()

    me.authorships.first().publication.delete()
    assert figures_of("zhiwei-bai").papers == 8
    assert_current()


def test_writes_past_the_signals_keep_the_figures_current():
    me, other = ResearcherFactory(), ResearcherFactory()
    papers = [
        Publication(title=f"Copied {n}", slug=f"copied-{n}", kind="article", year=2020 + n)
        for n in range(3)
    ]
    copy_insert(papers)
    copy_insert(
        [Authorship(publication=p, researcher=me, position=1) for p in papers]
        + [Authorship(publication=papers[0], researcher=other, position=2)]
    )
    assert (figures_of(me.slug).papers, figures_of(me.slug).coauthor_count) == (3, 1)
    CitationCount.objects.bulk_create(
        CitationCount(publication=p, year=2024, count=3) for p in papers
    )
    assert figures_of(me.slug).citations_per_year == [[2024, 9]]
    Publication.objects.filter(pk=papers[1].pk).update(citation_count=12)
    assert figures_of(me.slug).i10_index == 1
    Researcher.objects.filter(pk=other.pk).update(visibility="draft")
    assert figures_of(me.slug).coauthor_count == 0
    Authorship.objects.filter(publication=papers[2]).delete()
    CitationCount.objects.filter(publication=papers[0]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publications_publication SET year = 1999 WHERE id = %s", [papers[0].pk]
        )
    assert figures_of(me.slug).papers_per_year == [[1999, 1], [2021, 1]]
    assert_current()


def test_a_bibtex_import_counts_its_papers_for_their_authors():
    owner = ResearcherFactory(full_name="Ada Lovelace", given_name="Ada", family_name="Lovelace")
    bibtex = "\n".join(
        f"@article{{k{n}, title={{Paper {n}}}, author={{Lovelace, Ada and Babbage, Charles}}, "
        f"journal={{J}}, year={{202{n}}}}}"
        for n in range(3)
    )
    report = Importer(owner).run(read_bibtex(bibtex))
    assert len(report.created) == 3
    babbage = Researcher.objects.get(family_name="Babbage")
    assert figures_of(owner.slug).papers == 3 and figures_of(owner.slug).coauthor_count == 1
    assert figures_of(babbage.slug).papers == 3
    assert_current()


def test_a_merge_leaves_the_kept_researcher_with_both_ones_papers():
    kept, merged = ResearcherFactory(), ResearcherFactory()
    AuthorshipFactory(researcher=kept)
    AuthorshipFactory.create_batch(2, researcher=merged)
    report = researchers_merge(kept=kept, merged=merged)
    assert report.dropped == []
    assert figures_of(kept.slug).papers == 3
    assert not ResearcherFigures.objects.filter(researcher_id=merged.pk).exists()
    assert_current()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_papers_for_one_researcher_at_once_count_both():
    me = ResearcherFactory()
    AuthorshipFactory(researcher=me)
    first, second = PublicationFactory(), PublicationFactory()

    def add_second():
        try:
            with transaction.atomic():
                Authorship.objects.create(publication=second, researcher=me, position=1)
        finally:
            connection.close()

    other = threading.Thread(target=add_second)
    with transaction.atomic():
        Authorship.objects.create(publication=first, researcher=me, position=1)
        other.start()
        other.join(timeout=1)
        # Its refresh waits for this one's lock on the row, then counts this paper too.
        assert other.is_alive()
    other.join()
    assert figures_of(me.slug).papers == 3


def test_a_deferred_load_refreshes_everyone_once_at_its_end():
    me = ResearcherFactory()
    with transaction.atomic(), deferred_figures():
        AuthorshipFactory.create_batch(2, researcher=me)
        assert figures_of(me.slug).papers == 0
    assert figures_of(me.slug).papers == 2
    AuthorshipFactory(researcher=me)  # the triggers are back
    assert figures_of(me.slug).papers == 3


def test_a_failed_deferred_load_leaves_the_triggers_on():
    me = ResearcherFactory()
    with pytest.raises(ValueError), deferred_figures():
        AuthorshipFactory(researcher=me)
        raise ValueError
    AuthorshipFactory(researcher=me)
    assert figures_of(me.slug).papers == 1


def test_citations_known_tells_no_data_from_zero():
    me = ResearcherFactory()
    paper = AuthorshipFactory(researcher=me).publication
    figures = figures_of(me.slug)
    assert (figures.citations, figures.citations_known) == (0, False)
    CitationCountFactory(publication=paper, count=0)
    assert figures_of(me.slug).citations_known
    assert computed_figures(me).citations_known


def test_refresh_metrics_check_finds_and_the_command_repairs_wrong_figures(capsys):
    me = ResearcherFactory()
    AuthorshipFactory(researcher=me)
    call_command("refresh_metrics", "--check")
    ResearcherFigures.objects.filter(researcher=me).update(papers=7, h_index=3)
    with pytest.raises(CommandError, match="1 researchers"):
        call_command("refresh_metrics", "--check")
    assert f"{me.slug}: papers, h_index" in capsys.readouterr().out
    call_command("refresh_metrics")
    assert "1 researchers changed" in capsys.readouterr().out
    assert figures_of(me.slug).papers == 1
    assert_current()


def test_the_profile_and_the_member_lists_read_the_stored_figures(client):
    me = ResearcherFactory(is_member=True)
    AuthorshipFactory(researcher=me, publication__citation_count=3)
    # A value no computation gives: only a page reading the stored row shows it.
    ResearcherFigures.objects.filter(researcher=me).update(papers=77, citations=4242)
    profile = client.get(me.get_absolute_url()).content.decode()
    assert "<dd>77</dd>" in profile and "<dd>4242</dd>" in profile
    assert "77 papers" in client.get("/").content.decode()
    assert "77 papers" in client.get("/people/").content.decode()
    assert client.get(f"/api/v1/researchers/{me.slug}/").json()["metrics"]["papers"] == 77
