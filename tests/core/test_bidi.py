"""Bidirectional controls in names and titles are stripped when saved, so none reaches a
page, feed or file to reorder the text around it."""

import pytest

from core.text import BIDI_CONTROLS
from events.models import Talk
from profiles.models import Researcher
from publications.bibtex_reader import read_bibtex
from publications.importer import Importer
from publications.models import Authorship, Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

RLO, PDF, RLI, PDI, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200f"


@pytest.fixture
def records():
    ann = f.ResearcherFactory(
        is_member=True,
        full_name=f"Ann {RLO}eel{PDF} Lee",
        native_name=f"{RLI}安{PDI}",
        name_variants=[f"A. {RLO}Lee"],
        headline=f"Professor{RLM}",
    )
    paper = f.PublicationFactory(title=f"Loss spikes {RLO}in Adam")
    f.AuthorshipFactory(publication=paper, researcher=ann, position=1)
    f.AuthorshipFactory(publication=paper, printed_name=f"B. {RLO}Bee", position=2)
    event = f.EventFactory(name=f"Seminar{RLM} series")
    talk = f.TalkFactory(title=f"Adaptive {RLI}preconditioners{PDI}", event=event)
    f.TalkSpeakerFactory(talk=talk, researcher=ann, position=1, affiliation=f"SJTU{RLO}")
    return {"ann": ann, "paper": paper, "talk": talk}


def no_controls(text: str) -> bool:
    return not set(map(ord, text)) & BIDI_CONTROLS.keys()


def test_names_and_titles_are_stored_without_them(records):
    ann = Researcher.objects.get(pk=records["ann"].pk)
    assert (ann.full_name, ann.native_name, ann.name_variants) == ("Ann eel Lee", "安", ["A. Lee"])
    assert Publication.objects.get(pk=records["paper"].pk).title == "Loss spikes in Adam"
    assert Authorship.objects.get(position=2).printed_name == "B. Bee"
    assert Talk.objects.get(pk=records["talk"].pk).title == "Adaptive preconditioners"


@pytest.mark.parametrize("page", ["ann", "paper", "talk"])
def test_no_page_carries_them(client, records, page):
    response = client.get(records[page].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lee" in html
    assert no_controls(html)


def test_paragraphs_keep_theirs(records):
    paper = records["paper"]
    paper.abstract = f"A paragraph is a block of its own{RLM}."
    paper.save()
    assert RLM in Publication.objects.get(pk=paper.pk).abstract


@pytest.mark.django_db
def test_imported_author_names_are_stored_without_them():
    text = "@article{k, title={T}, year={2024}, journal={J}, author={Sm\u202eith, Ann and Li, Bo}}"
    Importer().run(read_bibtex(text))

    names = [*Researcher.objects.values_list("full_name", flat=True)]
    names += Authorship.objects.values_list("printed_name", flat=True)
    assert "Ann Smith" in names
    assert all(no_controls(name) for name in names)
