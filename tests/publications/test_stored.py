"""Render on write (publications.rendering, publications.citekeys, publications.facets): a
paper's BibTeX key, chosen once and unique; its stored title, abstract, citation entry,
BibTeX and CSL-JSON, made again when the paper, its authors, its venue or an author's name,
slug, membership or visibility change; and the unfiltered list's stored facet counts."""

import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from profiles.models import Researcher
from publications import facets, rendering, signals
from publications.citekeys import KeyedRow, backfilled_keys
from publications.models import Authorship, FacetCount, Publication
from tests.factories import (
    AuthorshipFactory,
    CitationCountFactory,
    PublicationFactory,
    ResearcherFactory,
    VenueFactory,
    author_of_many,
)

pytestmark = pytest.mark.django_db


def person(full_name: str, **values) -> Researcher:
    given, _, family = full_name.rpartition(" ")
    return ResearcherFactory(full_name=full_name, given_name=given, family_name=family, **values)


def paper_by(*authors, **values) -> Publication:
    paper = PublicationFactory(**values)
    for position, author in enumerate(authors, start=1):
        AuthorshipFactory(publication=paper, researcher=author, position=position)
    return paper


def stored(paper: Publication) -> Publication:
    return Publication.objects.get(pk=paper.pk)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Keys -------------------------------------------------------------------------------------------


def test_the_database_refuses_a_key_twice():
    first, second = PublicationFactory(), PublicationFactory()
    Publication.objects.filter(pk=first.pk).update(bibtex_key="bai2024deep")
    with pytest.raises(IntegrityError, match="publication_unique_bibtex_key"):
        Publication.objects.filter(pk=second.pk).update(bibtex_key="bai2024deep")


def test_a_paper_takes_its_key_with_its_first_author():
    paper = PublicationFactory(title="Deep networks one", year=2024)
    assert stored(paper).bibtex_key is None
    AuthorshipFactory(publication=paper, researcher=person("Zhiwei Bai"), position=1)
    assert stored(paper).bibtex_key == "bai2024deep"
    assert stored(paper).bibtex.startswith("@article{bai2024deep,\n")


def test_namesakes_take_letters_in_the_order_they_came():
    bai = person("Zhiwei Bai")
    keys = [
        stored(paper_by(bai, title=f"Deep networks {n}", year=2024)).bibtex_key
        for n in ("one", "two", "three")
    ]
    assert keys == ["bai2024deep", "bai2024deepb", "bai2024deepc"]


def test_an_imported_key_is_kept_while_free():
    taken = paper_by(person("Wei Li"), citation_key="Li:2020")
    again = paper_by(person("Wei Li"), citation_key="Li:2020")
    assert (stored(taken).bibtex_key, stored(again).bibtex_key) == ("Li:2020", "Li:2020b")


def test_the_key_stays_through_edits():
    bai, zhao = person("Zhiwei Bai"), person("Yan Zhao")
    paper = paper_by(bai, title="Deep networks one", year=2024)
    paper.title, paper.year, paper.citation_key = "Shallow networks", 2025, "other"
    paper.save()
    Authorship.objects.filter(publication=paper).update(position=2)
    AuthorshipFactory(publication=paper, researcher=zhao, position=1)
    bai.family_name = "Pai"
    bai.save()

    paper = stored(paper)
    assert paper.bibtex_key == "bai2024deep"
    assert paper.bibtex.startswith("@article{bai2024deep,\n")
    assert "Shallow networks" in paper.bibtex and "Zhao, Yan and Pai, Zhiwei" in paper.bibtex


def test_a_paper_given_its_authors_at_once_takes_its_key_from_the_first():
    paper = PublicationFactory(title="Deep networks one", year=2024)
    with rendering.batched():
        AuthorshipFactory(publication=paper, researcher=person("Wei Li"), position=2)
        AuthorshipFactory(publication=paper, researcher=person("Zhiwei Bai"), position=1)
        assert stored(paper).bibtex_key is None  # not yet: at the block's end
    assert stored(paper).bibtex_key == "bai2024deep"


def test_a_paper_without_author_or_key_has_a_letter_in_files_only(client):
    one, two = PublicationFactory(title="Orphan", year=2021), PublicationFactory(title="Orphan")
    Publication.objects.filter(pk=two.pk).update(year=2021)
    rendering.render_now([two.pk])
    text = rendering.bibtex_file(Publication.objects.filter(pk__in=[one.pk, two.pk]))
    assert [line for line in text.splitlines() if line.startswith("@")] == [
        "@article{anon2021orphan,",
        "@article{anon2021orphanb,",
    ]
    assert stored(one).bibtex_key is None


# The keys of papers stored before keys were, as the site gave them then ------------------------

# What the code before stored keys gave each paper in its own download (and, for the "again"
# one, in files holding both): computed with that code on this scenario.
OLD_KEYS = {
    "two": "bai2024deepb",
    "three": "bai2024deepc",
    "printed": "li2024deep",
    "imported": "bai2024deep",
    "smith": "Smith:2020",
    "smith again": "Smith:2020b",
}


def scenario() -> dict[str, Publication]:
    bai, li, smith = person("Zhiwei Bai", is_member=True), person("Wei Li"), person("Ann Smith")
    return {
        "one": paper_by(bai, title="Deep networks one", year=2024),
        "secret": paper_by(bai, title="Deep secret", year=2024, visibility="hidden"),
        "two": paper_by(bai, li, title="Deep networks two", year=2024),
        "printed": paper_by(li, title="Deep printed", year=2024),
        "imported": paper_by(li, title="Other things", year=2024, citation_key="bai2024deep"),
        "smith": paper_by(smith, title="Anything", year=2020, citation_key="Smith:2020"),
        "smith again": paper_by(smith, title="Else", year=2020, citation_key="Smith:2020"),
        "orphan": paper_by(title="Orphan paper", year=2021),
        "draft": paper_by(title="Draft", year=2021, visibility="draft", citation_key="draftkey"),
        "three": paper_by(bai, title="Deep networks three", year=2024),
    }


def backfill():
    migration = import_module("publications.migrations.0009_backfill_stored_renders")
    migration.backfill_keys(apps, None)


def test_the_backfill_gives_the_keys_the_site_gave():
    papers = scenario()
    Publication.objects.update(bibtex_key=None)

    backfill()

    keys = {name: stored(paper).bibtex_key for name, paper in papers.items()}
    assert {name: keys[name] for name in OLD_KEYS} == OLD_KEYS
    # Generated as the "imported" paper's key was: that one, imported under it, keeps it, as
    # in files holding both; this one takes the first letter no other paper's key has.
    assert keys["one"] == "bai2024deepd"
    # Not public: no key then, one after every public paper's now.
    assert (keys["secret"], keys["draft"]) == ("bai2024deepe", "draftkey")
    # No author, no imported key: none yet, as a new paper.
    assert keys["orphan"] is None


def test_backfilled_keys_count_letters_over_public_papers_only():
    rows = [
        KeyedRow(1, True, "", "x", True),
        KeyedRow(2, False, "", "x", True),
        KeyedRow(3, True, "", "x", True),
        KeyedRow(4, True, "y", "x", True),  # imported: its generated key still counts
        KeyedRow(5, True, "", "x", True),
    ]
    # 2 takes the letter that 4's generated key would have had: no download gave it.
    assert backfilled_keys(rows) == {1: "x", 3: "xb", 4: "y", 5: "xd", 2: "xc"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_stored_renders_gets_keys_fragments_and_counts():
    migrate([("publications", "0007_venue_aliases")])
    try:
        old = (
            MigrationExecutor(connection)
            .loader.project_state([("publications", "0007_venue_aliases")])
            .apps
        )
        Paper = old.get_model("publications", "Publication")
        Person = old.get_model("profiles", "Researcher")
        Author = old.get_model("publications", "Authorship")
        bai = Person.objects.create(
            slug="zhiwei-bai",
            full_name="Zhiwei Bai",
            given_name="Zhiwei",
            family_name="Bai",
            is_member=True,
        )
        for n, title in enumerate(["Deep networks one", "Deep networks two"]):
            paper = Paper.objects.create(
                slug=f"deep-{n}", title=title, kind="article", year=2024, abstract="*Bold*"
            )
            Author.objects.create(publication=paper, researcher=bai, position=1)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    one, two = Publication.objects.order_by("pk")
    assert (one.bibtex_key, two.bibtex_key) == ("bai2024deep", "bai2024deepb")
    assert one.rendered_abstract == "<p><em>Bold</em></p>\n"
    assert '<a href="/people/zhiwei-bai/">Zhiwei Bai</a>' in one.rendered_entry
    assert json.loads(two.csl_json)["id"] == "deep-1"
    assert facets.stored()["author"][0].count == 2
    assert (one.plain_title, two.plain_title) == ("Deep networks one", "Deep networks two")


# Stored fragments -------------------------------------------------------------------------------


def test_a_paper_edited_is_rendered_again(client):
    paper = paper_by(person("Zhiwei Bai"), title="Old title", abstract="Old.")
    paper.title = r"Loss spikes and $\beta_2$"
    paper.abstract = "New *abstract*."
    paper.save()

    paper = stored(paper)
    assert "<msub><mi>β</mi><mn>2</mn></msub>" in paper.rendered_title
    assert paper.rendered_title in paper.rendered_entry
    assert paper.rendered_abstract == "<p>New <em>abstract</em>.</p>\n"
    assert "{Loss spikes and $\\beta_2$}" in paper.bibtex
    assert json.loads(paper.csl_json)["title"] == r"Loss spikes and $\beta_2$"
    assert paper.rendered_title in get(client, paper.get_absolute_url())


def test_a_venue_renamed_renders_its_papers_again():
    venue = VenueFactory(name="Journal of Old Names")
    paper = paper_by(person("Zhiwei Bai"), venue=venue)
    venue.name = "Journal of New Names"
    venue.save()
    paper = stored(paper)
    assert "<em>Journal of New Names</em>" in paper.rendered_entry
    assert "{Journal of New Names}" in paper.bibtex
    assert json.loads(paper.csl_json)["container-title"] == "Journal of New Names"


def test_a_venues_aliases_render_nothing_again():
    venue = VenueFactory()
    paper_by(person("Zhiwei Bai"), venue=venue)
    venue.aliases = ["Old name"]
    with CaptureQueriesContext(connection) as queries:
        venue.save()
    assert not [q for q in queries if "rendered_entry" in q["sql"]]


def test_an_author_renamed_renders_their_papers_again():
    author = person("Zhiwei Bai", is_member=True)
    paper = paper_by(author, person("Wei Li"))
    author.full_name, author.family_name, author.slug = "Zhiwei Pai", "Pai", "zhiwei-pai"
    author.save()
    paper = stored(paper)
    assert '<a href="/people/zhiwei-pai/">Zhiwei Pai</a>, Wei Li' in paper.rendered_entry
    assert "{Pai, Zhiwei and Li, Wei}" in paper.bibtex


@pytest.mark.parametrize("change", [{"visibility": "hidden"}, {"visibility": "draft"}])
def test_a_hidden_researcher_loses_their_link(client, change):
    author, owner = person("Hidden Person", is_member=True), person("Zhiwei Bai", is_member=True)
    paper = paper_by(author, owner)
    assert author.get_absolute_url() in stored(paper).rendered_entry
    for name, value in change.items():
        setattr(author, name, value)
    author.save()

    entry = stored(paper).rendered_entry
    assert author.get_absolute_url() not in entry
    assert '<div class="authors">Hidden Person, <a href=' in entry
    for url in ("/publications/", owner.get_absolute_url(), "/"):
        assert author.get_absolute_url() not in get(client, url), url


def test_a_member_no_more_loses_their_link_and_a_new_one_gains_it():
    leaving, joining = person("Ann Lee", is_member=True), person("Bob Ray")
    paper = paper_by(leaving, joining)
    leaving.is_member, joining.is_member = False, True
    leaving.save()
    joining.save()
    entry = stored(paper).rendered_entry
    assert leaving.get_absolute_url() not in entry
    assert f'<a href="{joining.get_absolute_url()}">Bob Ray</a>' in entry


def test_a_researcher_saved_half_loaded_is_not_read_field_by_field():
    author = person("Zhiwei Bai", is_member=True)
    paper = paper_by(author)
    partial = Researcher.objects.only("id", "headline").get(pk=author.pk)
    partial.headline = "Ph.D. Student"
    with CaptureQueriesContext(connection) as queries:
        signals.researcher_pre_save(Researcher, partial)
        signals.researcher_saved(Researcher, partial, created=False)
    assert len(queries) == 1  # the row as stored: nothing changed that a paper shows
    assert author.get_absolute_url() in stored(paper).rendered_entry


def test_an_author_added_or_removed_renders_the_paper_again():
    paper = paper_by(person("Zhiwei Bai"))
    extra = AuthorshipFactory(publication=paper, researcher=person("Wei Li"), position=2)
    assert '<div class="authors">Zhiwei Bai, Wei Li</div>' in stored(paper).rendered_entry
    extra.delete()
    assert "Wei Li" not in stored(paper).rendered_entry


def test_a_name_as_printed_is_rendered():
    paper = paper_by(person("Zhiwei Bai"))
    authorship = Authorship.objects.get(publication=paper)
    authorship.printed_name = "Z. Bai"
    authorship.save()
    assert "Z. Bai" in stored(paper).rendered_entry


def test_markup_in_a_title_stays_text_and_bad_math_links_nowhere():
    paper = paper_by(
        person("Zhiwei Bai"),
        title=r"<script>alert(1)</script> and $\href{javascript:alert(1)}{x}$",
    )
    entry = stored(paper).rendered_entry
    assert "<script>" not in entry and "&lt;script&gt;" in entry
    assert "javascript:" not in entry


def test_the_entry_holds_badges_buttons_and_the_count_with_its_source(client):
    """The stored entry as every list shows it: venue badge, authors with their marks,
    venue, status and note badges, award badge, link buttons and the citation count."""
    member, coauthor = person("Zhiwei Bai", is_member=True), person("Wei Li")
    paper = paper_by(
        member,
        coauthor,
        title="Deep networks",
        venue=VenueFactory(name="Journal of Examples", short_name="JEx"),
        volume="5",
        issue="2",
        pages="1-9",
        year=2024,
        doi="10.1000/xyz",
        arxiv_id="2401.00001",
        code_url="https://example.org/code",
        links={"slides": "https://example.org/slides.pdf", "poster": "poster.pdf"},
        note="Spotlight",
        award_name="Best Paper",
        status="accepted",
    )
    Authorship.objects.filter(researcher=coauthor).update(corresponding=True)
    Publication.objects.filter(pk=paper.pk).update(citation_count=12)
    CitationCountFactory(publication=paper, year=2024, count=12, source="OpenAlex")
    rendering.render_now([paper.pk])
    assert stored(paper).rendered_entry == (
        '<div class="entry">\n'
        '<div class="entry-side"><abbr class="venue-badge" title="Journal of Examples">JEx</abbr>'
        "</div>\n"
        '<div class="entry-main">\n'
        f'<div class="entry-title"><a class="title" href="{paper.get_absolute_url()}">'
        "Deep networks</a></div>\n"
        f'<div class="authors"><a href="{member.get_absolute_url()}">Zhiwei Bai</a>, '
        'Wei Li<sup title="corresponding author">*</sup></div>\n'
        '<div class="entry-venue"><em>Journal of Examples</em>, 5(2): 1-9, 2024.\n'
        '<span class="badge status">Accepted</span>\n'
        '<span class="badge">Spotlight</span></div>\n'
        '<div class="entry-links"><span class="badge award">Best Paper</span>'
        '<a class="button" href="https://arxiv.org/pdf/2401.00001">PDF</a>'
        '<a class="button" href="https://example.org/code">Code</a>'
        '<a class="button" href="https://example.org/slides.pdf">Slides</a>'
        '<a class="button" href="https://doi.org/10.1000/xyz">DOI</a>'
        '<a class="button" href="https://arxiv.org/abs/2401.00001">arXiv</a>'
        '<span class="cited">Cited by 12 (OpenAlex)</span></div>\n'
        "</div>\n"
        "</div>"
    )


def test_the_owner_is_marked_on_their_page_only(client):
    owner, other = person("Zhiwei Bai", is_member=True), person("Wei Li", is_member=True)
    paper = stored(paper_by(other, owner))
    marked = rendering.entry_for(paper, owner)
    assert f'<a href="{other.get_absolute_url()}">Wei Li</a>, <strong class="me">Zhiwei Bai' in (
        marked
    )
    assert owner.get_absolute_url() not in marked
    assert rendering.entry_for(paper, other).count('<strong class="me">Wei Li</strong>') == 1
    assert rendering.entry_for(paper) == paper.rendered_entry
    assert '<strong class="me">Zhiwei Bai</strong>' in get(client, owner.get_absolute_url())
    assert '<strong class="me">' not in get(client, "/publications/")


def test_rendering_many_papers_takes_as_many_queries_as_few(django_assert_max_num_queries):
    few = author_of_many(person("Zhiwei Bai", is_member=True), 3)
    many = author_of_many(person("Wei Li", is_member=True), 300)
    Publication.objects.update(bibtex_key=None)  # each to be chosen again, as after a load
    with CaptureQueriesContext(connection) as queries:
        rendering.render_now(p.pk for p in few)
    with django_assert_max_num_queries(len(queries)):
        rendering.render_now(p.pk for p in many)
    assert stored(many[-1]).bibtex_key == "li2024bulkl"  # the twelfth of its year


def test_the_command_renders_what_bulk_writes_left_out():
    author = person("Zhiwei Bai", is_member=True)
    papers = Publication.objects.bulk_create(
        Publication(slug=f"bulk-{n}", title=f"Deep bulk {n}", kind="article", year=2024)
        for n in range(3)
    )
    Authorship.objects.bulk_create(
        Authorship(publication=paper, researcher=author, position=1) for paper in papers
    )
    assert not stored(papers[0]).rendered_entry

    call_command("render_publications", "--missing", verbosity=0)

    assert [stored(paper).bibtex_key for paper in papers] == [
        "bai2024deep",
        "bai2024deepb",
        "bai2024deepc",
    ]
    assert all(stored(paper).rendered_entry for paper in papers)
    assert facets.stored()["author"][0].count == 3


def test_a_key_taken_meanwhile_is_asked_for_again(monkeypatch):
    """Two transactions choosing one key at once: the second's write fails on the
    constraint, and it looks again."""
    bai = person("Zhiwei Bai")
    paper = PublicationFactory(title="Deep networks one", year=2024)
    other = PublicationFactory(title="Deep networks two", year=2024)
    Publication.objects.filter(pk=other.pk).update(bibtex_key="bai2024deep")
    real = rendering.citekeys.taken_keys
    calls = []

    def stale(model, bases=None):
        calls.append(bases)
        return set() if len(calls) == 1 else real(model, bases)

    monkeypatch.setattr(rendering.citekeys, "taken_keys", stale)
    AuthorshipFactory(publication=paper, researcher=bai, position=1)
    assert stored(paper).bibtex_key == "bai2024deepb"
    assert len(calls) == 2


# Facet counts -----------------------------------------------------------------------------------


def assert_stored_counts_are_live():
    live = {
        facet: facets.counts(Publication.objects.public(), facet) for facet in facets.Facet.values
    }
    assert facets.stored() == live


def test_the_database_refuses_a_facet_value_twice():
    FacetCount.objects.create(facet="year", key="2024", value="2024", label="2024", count=1)
    with pytest.raises(IntegrityError, match="facet_count_unique_key"):
        FacetCount.objects.create(facet="year", key="2024", value="2024", label="2024", count=2)


def test_stored_counts_follow_every_change():
    bai, li = person("Zhiwei Bai", is_member=True), person("Wei Li", is_member=True)
    jmlr, neurips = VenueFactory(name="JMLR proceedings"), VenueFactory(name="NeurIPS")
    paper = paper_by(bai, li, venue=jmlr, year=2024)
    paper_by(bai, venue=neurips, year=2023, kind="conference")
    assert_stored_counts_are_live()
    assert len(facets.stored()["author"]) == 2

    steps = [
        lambda: setattr(paper, "year", 2025),
        lambda: setattr(paper, "kind", "preprint"),
        lambda: setattr(paper, "status", "accepted"),
        lambda: setattr(paper, "venue", neurips),
        lambda: setattr(paper, "visibility", "hidden"),
        lambda: setattr(paper, "visibility", "public"),
    ]
    for step in steps:
        step()
        paper.save()
        assert_stored_counts_are_live()

    jmlr.short_name = "JMLR"
    jmlr.save()
    neurips.name = "Neural Information Processing Systems"
    neurips.save()
    assert_stored_counts_are_live()
    li.full_name = "Wei Lee"
    li.save()
    assert_stored_counts_are_live()
    li.visibility = "hidden"
    li.save()
    assert_stored_counts_are_live()
    bai.is_member = False
    bai.save()
    assert_stored_counts_are_live()
    assert facets.stored()["author"] == []
    bai.is_member = True
    bai.save()
    AuthorshipFactory(publication=paper_by(li, year=2020), researcher=bai, position=2)
    assert_stored_counts_are_live()
    Authorship.objects.filter(researcher=bai).first().delete()
    assert_stored_counts_are_live()
    paper.delete()
    assert_stored_counts_are_live()
    assert [row.key for row in facets.stored()["year"]] == ["2023", "2020"]


def test_the_unfiltered_list_shows_the_stored_counts_in_one_query(client):
    bai = person("Zhiwei Bai", is_member=True)
    paper_by(bai, year=2024)
    FacetCount.objects.filter(facet="year").update(count=7)  # as if counted so
    html = get(client, "/publications/")
    assert "2024 (7)" in html
    assert "7 publications" in html
    # Filtered by another facet, a facet counts live.
    assert "2024 (1)" in get(client, f"/publications/?author={bai.slug}")
    with CaptureQueriesContext(connection) as queries:
        get(client, "/publications/?year=2024")
    assert sum("publications_facetcount" in q["sql"] for q in queries) == 1
