"""The stored paper entry's parts: collapsed author lists, the venue and award badges,
the preview image and what is escaped; and the profile's toggles around it."""

import pytest

from publications import rendering
from publications.models import Publication
from tests.factories import AuthorshipFactory, PublicationFactory, ResearcherFactory, VenueFactory

pytestmark = pytest.mark.django_db


def paper_with_authors(count: int, **values) -> tuple[Publication, list]:
    paper = PublicationFactory(**values)
    people = [ResearcherFactory(full_name=f"Author Number{n}") for n in range(1, count + 1)]
    for position, researcher in enumerate(people, start=1):
        AuthorshipFactory(publication=paper, researcher=researcher, position=position)
    return Publication.objects.get(pk=paper.pk), people


def test_up_to_ten_authors_are_all_shown():
    paper, _ = paper_with_authors(10)
    assert "more-authors" not in paper.rendered_entry
    assert "Author Number10</div>" in paper.rendered_entry


def test_a_longer_author_list_shows_eight_and_unfolds_the_rest_without_script():
    paper, _ = paper_with_authors(22)
    entry = paper.rendered_entry
    shown, hidden = entry.split('<details class="more-authors">')
    assert "Author Number8" in shown and "Author Number9" not in shown
    assert hidden.startswith("<summary>and 14 more</summary>, Author Number9, Author Number10")
    assert hidden.count("Author Number") == 14
    assert "<script" not in entry and "onclick" not in entry


def test_the_owner_among_the_collapsed_authors_is_still_marked():
    paper, people = paper_with_authors(12)
    owner = people[-1]
    owner.is_member = True
    owner.save()
    marked = rendering.entry_for(Publication.objects.get(pk=paper.pk), owner)
    hidden = marked.split('<details class="more-authors">')[1]
    assert '<strong class="me">Author Number12</strong>' in hidden


def test_the_venue_badge_is_the_papers_abbreviation_else_the_venues_short_name():
    venue = VenueFactory(name="Neural Information Processing Systems", short_name="NeurIPS")
    own = PublicationFactory(venue=venue, venue_abbr="NeurIPS 2024")
    from_venue = PublicationFactory(venue=venue)
    without = PublicationFactory(venue=VenueFactory(short_name=""))
    assert (
        '<abbr class="venue-badge" title="Neural Information Processing Systems">NeurIPS 2024'
        in (Publication.objects.get(pk=own.pk).rendered_entry)
    )
    assert ">NeurIPS</abbr>" in Publication.objects.get(pk=from_venue.pk).rendered_entry
    assert '<div class="entry-side"></div>' in Publication.objects.get(pk=without.pk).rendered_entry


def test_a_venue_short_name_changed_renders_its_papers_again():
    venue = VenueFactory(short_name="JMLR")
    paper = PublicationFactory(venue=venue)
    venue.short_name = "J. Mach. Learn. Res."
    venue.save()
    assert ">J. Mach. Learn. Res.</abbr>" in Publication.objects.get(pk=paper.pk).rendered_entry


def test_an_award_without_a_short_name_reads_award():
    paper = PublicationFactory(award="Best paper of the *year*")
    assert '<span class="badge award">Award</span>' in (
        Publication.objects.get(pk=paper.pk).rendered_entry
    )


def test_badges_and_buttons_escape_what_they_show():
    paper = PublicationFactory(
        venue_abbr="<script>alert(1)</script>",
        award_name='"><img src=x onerror=alert(1)>',
        note="<b>Oral</b>",
        links={"video": "javascript:alert(1)", "website": 'https://example.org/"onmouseover="x'},
    )
    entry = Publication.objects.get(pk=paper.pk).rendered_entry
    assert "<script>" not in entry and "&lt;script&gt;alert(1)&lt;/script&gt;" in entry
    assert "<img" not in entry and "&lt;img src=x onerror=alert(1)&gt;" in entry
    assert "<b>" not in entry and "&lt;b&gt;Oral&lt;/b&gt;" in entry
    assert "javascript:" not in entry
    assert 'onmouseover="' not in entry and ">Website</a>" in entry


@pytest.mark.parametrize(
    ("preview", "shown"),
    [
        ("loss-spike.png", '<img class="preview" src="/media/previews/loss-spike.png"'),
        ("/static/previews/a b.png", '<img class="preview" src="/static/previews/a b.png"'),
        ("https://example.org/outside.png", None),  # the CSP allows this site's images only
        ("", None),
    ],
)
def test_the_preview_is_shown_from_this_site_only(preview, shown):
    paper = PublicationFactory(preview=preview)
    entry = Publication.objects.get(pk=paper.pk).rendered_entry
    if shown:
        assert shown in entry
    else:
        assert "<img" not in entry


def test_a_relative_typed_link_is_kept_but_not_a_button():
    paper = PublicationFactory(links={"poster": "poster.pdf", "slides": "https://e.org/s.pdf"})
    entry = Publication.objects.get(pk=paper.pk).rendered_entry
    assert '<a class="button" href="https://e.org/s.pdf">Slides</a>' in entry
    assert "poster.pdf" not in entry
    assert Publication.objects.get(pk=paper.pk).links["poster"] == "poster.pdf"


def test_a_citation_count_is_shown_only_when_known():
    paper = PublicationFactory()
    assert "Cited by" not in Publication.objects.get(pk=paper.pk).rendered_entry
    Publication.objects.filter(pk=paper.pk).update(citation_count=3)
    rendering.render_now([paper.pk])
    assert '<span class="cited">Cited by 3</span>' in (
        Publication.objects.get(pk=paper.pk).rendered_entry
    )


def test_the_profile_unfolds_abstract_and_bibtex_beside_each_entry(client):
    owner = ResearcherFactory(full_name="Zhiwei Bai", is_member=True)
    paper = PublicationFactory(abstract="On *loss spikes*.")
    AuthorshipFactory(publication=paper, researcher=owner, position=1)
    html = client.get(owner.get_absolute_url()).content.decode()
    toggles = html.split('<div class="toggles">')[1].split("</div>")[0]
    assert toggles.startswith("<details><summary>Abstract</summary><p>On <em>loss spikes</em>.")
    assert '<details><summary>BibTeX</summary><pre tabindex="0">@' in toggles
