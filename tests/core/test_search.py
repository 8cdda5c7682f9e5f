import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.changes import content_changed
from core.search import FOLDING, MAX_QUERY_LENGTH, clean_query, fold, highlight
from events.models import Event, Talk, TalkSpeaker
from profiles.models import Researcher
from publications.models import Authorship, Publication
from scholarfolio.search import search_vectors_rebuild, site_search
from tests.factories import (
    AuthorshipFactory,
    EventFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkSpeakerFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

SEMINAR = "phenomenon-driven-deep-learning-theory"
LOSS_SPIKES_PAPER = "Adaptive Preconditioners Trigger Loss Spikes in Adam"


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def found(text: str, only: str = "") -> dict[str, list[str]]:
    """Slugs of every match per type."""
    results = site_search(text=text, only=only, page=1)
    return {
        section.key: [obj.slug for obj in section.page.object_list]
        for section in results.sections
        if section.page is not None
    }


def paper_slugs(text: str) -> list[str]:
    return found(text, "papers")["papers"]


def talk_slugs(text: str) -> list[str]:
    return found(text, "talks")["talks"]


def people_slugs(text: str) -> list[str]:
    return found(text, "people")["people"]


# The demo site ---------------------------------------------------------------------------


def test_loaddemo_leaves_every_search_vector_filled(demo):
    for model in (Researcher, Publication, Talk):
        assert not model.objects.filter(search_vector__isnull=True).exists()


def test_loss_spike_finds_the_adam_paper_and_the_seminar(client, demo):
    response = search(client, q="loss spike")
    results = response.context["results"]
    papers, talks = results.sections[1].page.object_list, results.sections[2].page.object_list
    assert [p.title for p in papers] == [LOSS_SPIKES_PAPER]
    assert [t.slug for t in talks] == [SEMINAR]
    assert "<mark>Loss</mark> <mark>Spikes</mark> in Adam" in response.content.decode()


def test_a_native_script_name_finds_the_person_whole_or_in_part(demo):
    assert people_slugs("白志威") == ["zhiwei-bai"]
    assert people_slugs("志威") == ["zhiwei-bai"]


def test_the_seminar_room_finds_the_seminar(demo):
    assert talk_slugs("Guanghua") == [SEMINAR]


def test_a_name_variant_finds_the_person_and_his_papers(client, demo):
    assert people_slugs("Zhiqin Xu") == ["zhi-qin-john-xu"]
    assert len(paper_slugs("Zhiqin Xu")) == 6
    html = search(client, q="Zhiqin Xu").content.decode()
    assert "Also written <mark>Zhiqin</mark> <mark>Xu</mark>" in html


def test_a_surname_that_is_an_english_stop_word_still_finds_the_person():
    he = ResearcherFactory(
        full_name="Kaiming He", given_name="Kaiming", family_name="He", is_member=True
    )
    assert people_slugs("He") == [he.slug]


# Ranking and highlighting ----------------------------------------------------------------


def test_a_title_match_ranks_above_an_abstract_match():
    in_abstract = PublicationFactory(title="Something else", abstract="About gradients.")
    in_title = PublicationFactory(title="Gradients", abstract="Nothing to see.")
    assert paper_slugs("gradient") == [in_title.slug, in_abstract.slug]


def test_an_author_match_ranks_between_title_and_abstract():
    author = ResearcherFactory(full_name="Ada Lovelace")
    by_author = PublicationFactory(title="Notes")
    AuthorshipFactory(publication=by_author, researcher=author, position=1)
    in_title = PublicationFactory(title="Lovelace numbers")
    in_abstract = PublicationFactory(abstract="After Lovelace.")
    assert paper_slugs("Lovelace") == [in_title.slug, by_author.slug, in_abstract.slug]


def test_highlights_escape_the_text_and_keep_only_the_marks(client):
    PublicationFactory(
        title="<script>alert(1)</script> & gradient flow",
        abstract='<img src=x onerror="alert(2)"> Bounds hold when 5 < 6 & "gradient" flows > 0.',
    )
    html = search(client, q="gradient").content.decode()
    assert "<script>alert(1)" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>gradient</mark> flow" in html
    assert "5 &lt; 6 &amp; &quot;<mark>gradient</mark>&quot; flows" in html


def test_a_title_with_math_shows_the_math_rather_than_marks(client):
    PublicationFactory(title=r"Why $\beta_2$ matters for gradient methods")
    html = search(client, q="gradient").content.decode()
    assert "<math" in html and r"$\beta_2$" not in html


def test_highlight_turns_only_its_own_markers_into_tags():
    assert highlight("a \ue000<b>\ue001 c") == "a <mark>&lt;b&gt;</mark> c"


# Vectors kept current --------------------------------------------------------------------


def test_a_paper_is_found_by_its_new_title_after_a_save():
    paper = PublicationFactory(title="Old words")
    paper.title = "Renamed entirely"
    paper.save()
    assert paper_slugs("renamed") == [paper.slug]
    assert paper_slugs("old") == []


def test_a_paper_follows_its_authors_and_their_names():
    paper = PublicationFactory()
    authorship = AuthorshipFactory(publication=paper, researcher=ResearcherFactory(), position=1)
    person = authorship.researcher
    person.name_variants = ["Quixote Q."]
    person.save()
    assert paper_slugs("Quixote") == [paper.slug]
    authorship.delete()
    assert paper_slugs("Quixote") == []


def test_authors_added_through_the_many_to_many_manager_are_found():
    paper = PublicationFactory()
    person = ResearcherFactory(full_name="Sancho Panza")
    paper.authors.add(person, through_defaults={"position": 1})
    assert paper_slugs("Panza") == [paper.slug]
    person.publications.remove(paper)
    assert paper_slugs("Panza") == []


def test_a_paper_follows_its_venue():
    venue = VenueFactory()
    paper = PublicationFactory(venue=venue)
    venue.name = "Transactions on Windmills"
    venue.save()
    assert paper_slugs("windmills") == [paper.slug]


def test_a_talk_follows_its_speakers_and_its_event():
    event = EventFactory(name="Summer symposium")
    talk = TalkFactory(event=event)
    TalkSpeakerFactory(talk=talk, researcher=ResearcherFactory(full_name="Dulcinea Toboso"))
    event.name = "Winter colloquium"
    event.save()
    assert talk_slugs("Toboso colloquium") == [talk.slug]
    assert talk_slugs("symposium") == []


def test_update_search_vectors_rebuilds_every_vector():
    paper = PublicationFactory(title="Rebuilt vectors")
    Publication.objects.update(search_vector=None)
    assert paper_slugs("rebuilt") == []
    call_command("update_search_vectors", verbosity=0)
    assert paper_slugs("rebuilt") == [paper.slug]


# Only public records ---------------------------------------------------------------------


def test_hidden_and_draft_records_never_appear(client):
    for visibility in ("public", "hidden", "draft"):
        member = ResearcherFactory(
            full_name=f"Hidalgo {visibility}", is_member=True, visibility=visibility
        )
        paper = PublicationFactory(title=f"Hidalgo paper {visibility}", visibility=visibility)
        AuthorshipFactory(publication=paper, researcher=member, position=1)
        TalkFactory(title=f"Hidalgo talk {visibility}", visibility=visibility)
    html = search(client, q="Hidalgo").content.decode()
    assert (
        "Hidalgo</mark> public" in html and "Hidalgo</mark> <mark>paper</mark> public" not in html
    )
    assert "hidden" not in html and "draft" not in html
    assert {key: len(slugs) for key, slugs in found("Hidalgo").items()} == {
        "people": 1,
        "papers": 1,
        "talks": 1,
    }


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_a_talk_anywhere_under_an_unpublished_event_is_not_found(visibility):
    session = EventFactory(parent=EventFactory(visibility=visibility))
    TalkFactory(title="Hidalgo in session", event=session)
    TalkFactory(title="Hidalgo in workshop", event=EventFactory(parent=session))
    assert talk_slugs("Hidalgo") == []


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_a_hidden_persons_other_names_find_none_of_their_papers_and_talks(visibility):
    person = ResearcherFactory(
        full_name="Quiet Coauthor",
        native_name="静默",
        name_variants=["Q. Hush"],
        visibility=visibility,
    )
    paper = PublicationFactory()
    AuthorshipFactory(publication=paper, researcher=person, position=1)
    talk = TalkFactory()
    TalkSpeakerFactory(talk=talk, researcher=person)
    for private in ("静默", "Hush"):
        assert found(private) == {"people": [], "papers": [], "talks": []}
    # The byline and the speaker list print the full name, so it still finds them.
    assert found("Quiet Coauthor") == {"people": [], "papers": [paper.slug], "talks": [talk.slug]}


def test_a_person_made_public_is_found_by_all_their_names_again():
    person = ResearcherFactory(native_name="静默", visibility="hidden")
    talk = TalkFactory()
    TalkSpeakerFactory(talk=talk, researcher=person)
    person.visibility = "public"
    person.save()
    assert talk_slugs("静默") == [talk.slug]


def test_people_are_members_or_authors_of_a_public_paper():
    member = ResearcherFactory(full_name="Rocinante Member", is_member=True)
    author = ResearcherFactory(full_name="Rocinante Author")
    AuthorshipFactory(researcher=author, publication=PublicationFactory(), position=1)
    hidden_author = ResearcherFactory(full_name="Rocinante Hidden")
    AuthorshipFactory(
        researcher=hidden_author,
        publication=PublicationFactory(visibility="hidden"),
        position=1,
    )
    ResearcherFactory(full_name="Rocinante Nobody")
    assert set(people_slugs("Rocinante")) == {member.slug, author.slug}


def test_a_non_member_links_to_their_papers(client):
    author = ResearcherFactory(full_name="Rocinante Author")
    AuthorshipFactory(researcher=author, publication=PublicationFactory(), position=1)
    html = search(client, q="Rocinante").content.decode()
    assert f'href="/publications/?author={author.slug}"' in html


# Types, counts and pages -----------------------------------------------------------------


def add_papers(count: int) -> None:
    for _ in range(count):
        paper = PublicationFactory(abstract="A manifold paper.")
        AuthorshipFactory(publication=paper, researcher=ResearcherFactory(is_member=True))
        AuthorshipFactory(publication=paper)


def test_the_page_counts_every_type_and_shows_a_few_of_each(client):
    add_papers(7)
    TalkFactory(title="On manifold learning")
    html = search(client, q="manifold").content.decode()
    assert "All (8)" in html and "People (0)" in html
    assert "Papers (7)" in html and "Talks (1)" in html
    assert html.count('href="/publications/on-example') == 5
    assert '<a href="?q=manifold&amp;type=papers">All 7 papers</a>' in html


def test_type_narrows_to_one_type_and_pages_it(client):
    add_papers(25)
    TalkFactory(title="On manifold learning")
    response = search(client, q="manifold", type="papers", page="2")
    results = response.context["results"]
    assert [section.key for section in results.shown] == ["papers"]
    assert len(results.shown[0].page.object_list) == 5
    assert "Page 2 of 2" in response.content.decode()
    assert "Talks (1)" in response.content.decode()


def test_an_unknown_type_says_so_and_shows_all_types(client):
    add_papers(1)
    response = client.get("/search/", {"q": "manifold", "type": "posters"})
    assert response.status_code == 400
    assert "no result type called" in response.content.decode()
    assert response.context["results"].total == 1


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "1.5"])
def test_an_impossible_page_number_gives_a_page(client, page):
    add_papers(3)
    search(client, q="manifold", type="papers", page=page)


def test_an_empty_query_asks_for_words_without_searching(client, django_assert_num_queries):
    # The content version, for the page cache, and the site's settings for the header.
    with django_assert_num_queries(2):
        html = search(client, q="   ").content.decode()
    assert "Search by name" in html


def test_no_results_says_so(client):
    assert "Nothing matches “dragons”" in search(client, q="dragons").content.decode()


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unclosed quote',
        "a & b | !c <-> (d:*",
        "-",
        "OR OR OR",
        "the of and",
        "\ue000marker\ue001",
        "x" * 1000,
        "word " * 200,
        "'; drop table publications_publication; --",
    ],
)
def test_a_bad_query_gives_a_page(client, text):
    add_papers(1)
    search(client, q=text)
    assert Publication.objects.count() == 1


def test_clean_query_caps_the_length_and_blanks_control_characters():
    assert clean_query("a\x00b\tc\n") == "a b c"
    assert len(clean_query("x" * 1000)) == MAX_QUERY_LENGTH


def add_matches_in_bulk(start: int, count: int) -> None:
    """``count`` papers, talks and people that "manifold" finds (a paper and a talk by a
    member and a co-author, and a member named Manifold), written in bulk with the search
    vectors rebuilt once. Made one by one through the factories, each save ran the
    search-vector signals and each talk of the one title probed every slug taken before it,
    which made this the slowest query-count test."""
    numbers = range(start, start + count)
    people = Researcher.objects.bulk_create(
        Researcher(slug=f"{kind}-{n}", full_name=f"Given{n} {kind.title()}", is_member=member)
        for n in numbers
        for kind, member in (("member", True), ("co-author", False), ("manifold", True))
    )
    members, others = people[0::3], people[1::3]
    papers = Publication.objects.bulk_create(
        Publication(slug=f"paper-{n}", title=f"Paper {n}", abstract="A manifold paper.", year=2024)
        for n in numbers
    )
    events = Event.objects.bulk_create(
        Event(slug=f"event-{n}", name=f"Conference {n}", start_date="2024-06-01") for n in numbers
    )
    talks = Talk.objects.bulk_create(
        Talk(slug=f"talk-{n}", title="On manifold learning", event=event, date="2024-06-02")
        for n, event in enumerate(events, start)
    )
    Authorship.objects.bulk_create(
        Authorship(publication=paper, researcher=author, position=position)
        for i, paper in enumerate(papers)
        for position, author in ((1, members[i]), (2, others[i]))
    )
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, researcher=speaker, position=position)
        for i, talk in enumerate(talks)
        for position, speaker in ((1, members[i]), (2, others[i]))
    )
    search_vectors_rebuild()
    content_changed()  # bulk writes send no signals: a new version, so no cached page


@pytest.mark.parametrize("only", ["", "people", "papers", "talks"])
def test_query_count_does_not_grow_with_results(client, django_assert_num_queries, only):
    add_matches_in_bulk(0, 5)
    with CaptureQueriesContext(connection) as five:
        search(client, q="manifold", type=only)
    add_matches_in_bulk(5, 25)
    with django_assert_num_queries(len(five.captured_queries)):
        response = search(client, q="manifold", type=only)
    assert [section.count for section in response.context["results"].sections] == [30, 30, 30]


def test_a_word_most_papers_share_ranks_only_the_most_recent(client, monkeypatch):
    """Ranking is capped (scholarfolio.search.MAX_RANKED), so that a search costs the same
    however many papers match; the count says where it stopped."""
    monkeypatch.setattr("scholarfolio.search.MAX_RANKED", 3)
    for year in range(2015, 2020):
        PublicationFactory(title=f"Gradient flows {year}", year=year)

    results = site_search(text="gradient", only="papers", page=1)
    papers = next(section for section in results.sections if section.key == "papers")

    assert sorted(paper.year for paper in papers.page.object_list) == [2017, 2018, 2019]
    assert papers.count_label == "3+"
    assert "Papers (3+)" in search(client, q="gradient").content.decode()


def test_types_not_shown_are_counted_as_their_ranking_would_count_them(monkeypatch):
    """Narrowed to one type, the others are only counted (not ranked): capped as the
    ranking is, people not."""
    monkeypatch.setattr("scholarfolio.search.MAX_RANKED", 3)
    for year in range(2015, 2020):
        PublicationFactory(title=f"Gradient flows {year}", year=year)
    TalkFactory(title="Gradient flows, a seminar")
    ResearcherFactory(full_name="Gradient Person", is_member=True)

    def sections(only):
        return {part.key: part for part in site_search(text="gradient", only=only).sections}

    for only in ("people", "talks"):
        papers = sections(only)["papers"]
        assert (papers.page, papers.count, papers.count_label) == (None, 3, "3+")
    assert [section.count for section in sections("papers").values()] == [1, 3, 1]


def test_every_type_is_ranked_in_one_query():
    PublicationFactory(title="Gradient flows")
    TalkFactory(title="Gradient flows, a seminar")
    ResearcherFactory(full_name="Gradient Person", is_member=True)
    with CaptureQueriesContext(connection) as queries:
        site_search(text="gradient")
    assert sum("ts_rank(" in query["sql"] for query in queries.captured_queries) == 1


def test_papers_of_equal_rank_sort_as_the_list_sorts_them():
    """Ties of rank keep the list's order: newest first, then by title in the database's
    collation, as the publication list has them, whatever order they were added in."""
    for year, title in [(2020, "delta"), (2021, "Gamma"), (2020, "Beta"), (2021, "alpha")]:
        PublicationFactory(title=f"Gradient {title}", year=year, venue=None)
    listed = list(Publication.objects.public().order_by("-year", "-date", "title", "pk"))

    assert [paper.slug for paper in listed] == paper_slugs("gradient")
    assert listed != sorted(listed, key=lambda paper: paper.pk)


# Accents ---------------------------------------------------------------------------------


def test_the_folding_in_sql_is_the_folding_in_python():
    sample = "".join(FOLDING) + " Erdős Schrödinger Łukasz Straße Nguyễn Þórr 白志威 ǅemal"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sf_fold(%s)", [sample])
        assert cursor.fetchone()[0] == fold(sample)
    assert fold("Erdős Schrödinger Straße Łukasz") == "Erdos Schrodinger Strasse Lukasz"


@pytest.mark.parametrize("typed", ["Erdos", "erdős", "ERDŐS", "Schrodinger", "schrödinger"])
def test_accents_and_case_do_not_matter(client, typed):
    paper = PublicationFactory(
        title="On a problem of Erdős", abstract="A Schrödinger operator with a spectral gap."
    )
    assert paper.slug in paper_slugs(typed)
    assert paper.slug in [
        item["slug"] for item in client.get("/api/v1/publications/", {"q": typed}).json()["results"]
    ]


def test_names_fold_on_profiles_and_bylines_and_native_names_still_match():
    godel = ResearcherFactory(full_name="Kurt Gödel", family_name="Gödel", native_name="白志威")
    paper = PublicationFactory(title="Undecidable propositions")
    AuthorshipFactory(publication=paper, researcher=godel, position=1)
    for typed in ("Godel", "Gödel", "白志威", "志威"):
        assert people_slugs(typed) == [godel.slug], typed
    assert paper_slugs("godel") == [paper.slug]


def test_a_query_typed_with_its_accents_marks_them(client):
    PublicationFactory(title="On a problem of Erdős")
    assert "<mark>Erdős</mark>" in search(client, q="Erdős").content.decode()
