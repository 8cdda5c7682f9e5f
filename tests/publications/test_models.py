import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from publications.models import Authorship, Publication
from tests.factories import AuthorshipFactory, PublicationFactory, ResearcherFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_doi_and_arxiv_id_are_normalised_on_save():
    paper = PublicationFactory(
        doi="https://doi.org/10.4208/csiam-am.SO-2023-0020", arxiv_id="arXiv:2506.04805v3"
    )
    paper.refresh_from_db()
    assert paper.doi == "10.4208/csiam-am.SO-2023-0020"
    assert paper.arxiv_id == "2506.04805"


def test_doi_is_unique_whatever_its_case():
    PublicationFactory(doi="10.4208/csiam-am.SO-2023-0020")
    with pytest.raises(IntegrityError, match="publication_unique_doi"):
        PublicationFactory(doi="10.4208/CSIAM-AM.so-2023-0020")


def test_doi_uniqueness_is_reported_by_full_clean():
    PublicationFactory(doi="10.1000/abc")
    duplicate = PublicationFactory.build(doi="https://doi.org/10.1000/ABC", venue=None)
    with pytest.raises(ValidationError, match="Another publication has this DOI"):
        duplicate.full_clean()


def test_arxiv_id_is_unique_across_versions():
    PublicationFactory(arxiv_id="2506.04805")
    with pytest.raises(IntegrityError, match="publication_unique_arxiv"):
        PublicationFactory(arxiv_id="2506.04805v2")


def test_papers_without_identifiers_do_not_clash():
    PublicationFactory(doi="", arxiv_id="")
    PublicationFactory(doi="", arxiv_id="")
    assert Publication.objects.count() == 2


def raw_update(paper, column, value):
    # Raw SQL: the ORM would normalise the value before the database could object.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE publications_publication SET {column} = %s WHERE id = %s", [value, paper.pk]
        )


def test_database_rejects_a_doi_stored_as_url():
    paper = PublicationFactory()
    with pytest.raises(IntegrityError, match="publication_doi_normalised"):
        raw_update(paper, "doi", "https://doi.org/10.1000/x")


def test_database_rejects_a_versioned_arxiv_id():
    paper = PublicationFactory()
    with pytest.raises(IntegrityError, match="publication_arxiv_id_normalised"):
        raw_update(paper, "arxiv_id", "2506.04805v2")


def test_filtering_by_a_pasted_identifier_finds_the_paper():
    paper = PublicationFactory(arxiv_id="2506.04805")
    assert Publication.objects.get(arxiv_id="arXiv:2506.04805v2") == paper


@pytest.mark.parametrize("year", [1899, 2101])
def test_year_out_of_range_is_rejected_by_validator_and_database(year):
    paper = PublicationFactory.build(year=year, venue=VenueFactory())
    with pytest.raises(ValidationError) as info:
        paper.full_clean()
    assert "year" in info.value.message_dict
    with pytest.raises(IntegrityError, match="publication_sane_year"):
        paper.save()


def test_bad_doi_is_reported_on_the_field():
    paper = PublicationFactory.build(doi="not-a-doi", venue=VenueFactory())
    with pytest.raises(ValidationError) as info:
        paper.full_clean()
    assert "is not a DOI" in info.value.message_dict["doi"][0]


def test_two_authors_cannot_share_a_position():
    authorship = AuthorshipFactory(position=1)
    with pytest.raises(IntegrityError, match="authorship_unique_position"):
        AuthorshipFactory(publication=authorship.publication, position=1)


def test_an_author_appears_once_per_paper():
    authorship = AuthorshipFactory(position=1)
    with pytest.raises(IntegrityError, match="authorship_unique_researcher"):
        AuthorshipFactory(
            publication=authorship.publication, researcher=authorship.researcher, position=2
        )


def test_author_position_starts_at_one():
    with pytest.raises(IntegrityError, match="authorship_position_from_one"):
        AuthorshipFactory(position=0)


def test_authors_come_back_in_position_order_with_flags():
    paper = PublicationFactory()
    late, early = ResearcherFactory(), ResearcherFactory()
    Authorship.objects.create(publication=paper, researcher=late, position=2, corresponding=True)
    Authorship.objects.create(
        publication=paper, researcher=early, position=1, equal_contribution=True
    )
    authors = list(Publication.objects.with_authors().get(pk=paper.pk).authorships.all())
    assert [a.researcher for a in authors] == [early, late]
    assert str(authors[0]).endswith("#") and str(authors[1]).endswith("*")


def test_slug_is_made_from_title_and_kept_unique():
    first = PublicationFactory(title="Embedding Principle")
    second = PublicationFactory(title="Embedding principle")
    assert (first.slug, second.slug) == ("embedding-principle", "embedding-principle-2")
    assert first.get_absolute_url() == "/publications/embedding-principle/"


def test_venue_name_is_unique_per_kind_ignoring_case():
    VenueFactory(name="Journal of Machine Learning", kind="journal")
    with transaction.atomic(), pytest.raises(IntegrityError, match="venue_unique_name_kind"):
        VenueFactory(name="journal of machine learning", kind="journal")
    VenueFactory(name="Journal of Machine Learning", kind="conference")
