"""Venue aliases: one venue however a file names it, the built-in table of common venues,
editors' own aliases, and al-folio's venues.yml."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from publications.bibtex_reader import read_bibtex
from publications.importer import Importer
from publications.models import Publication, Venue
from publications.venues import (
    VenuesFileError,
    builtin_venue,
    builtin_venues,
    read_venues_yml,
    venue_key,
    venue_keys,
)
from tests import factories as f

CORPUS = Path(__file__).parents[1] / "corpus"


def entry(key, venue, abbr=""):
    abbr = f", abbr={{{abbr}}}" if abbr else ""
    return (
        f"@inproceedings{{{key}, title={{Paper {key}}}, author={{Lee, Ann}}, "
        f"booktitle={{{venue}}}, year=2023{abbr}}}"
    )


@pytest.mark.parametrize(
    "name, key",
    [
        ("NeurIPS 2023", "neurips"),
        ("Proceedings of NeurIPS", "neurips"),
        (
            "Advances in Neural Information Processing Systems 36",
            "advances in neural information processing systems 36",
        ),
        (
            "Proceedings of the 40th International Conference on Machine Learning",
            "international conference on machine learning",
        ),
        (
            "Proc. of the Thirty-Seventh AAAI Conference on Artificial Intelligence",
            "aaai conference on artificial intelligence",
        ),
        ("Knowledge Discovery & Data Mining", "knowledge discovery data mining"),
        ("Physical Review E", "physical review e"),
    ],
)
def test_venue_names_are_normalised(name, key):
    assert venue_key(name) == key


def test_the_builtin_table_knows_the_common_venues():
    assert (
        builtin_venue(venue_keys("Advances in Neural Information Processing Systems 36"))[
            "short_name"
        ]
        == "NeurIPS"
    )
    assert builtin_venues()["nips"]["short_name"] == "NeurIPS"
    assert builtin_venues()[venue_key("SIAM J. Numer. Anal.")]["name"] == (
        "SIAM Journal on Numerical Analysis"
    )
    short = {row["short_name"] for row in builtin_venues().values()}
    assert {"NeurIPS", "ICML", "ICLR", "COLT", "AAAI", "IJCAI", "CVPR", "ICCV", "ECCV"} <= short
    assert {"ACL", "EMNLP", "KDD", "JMLR", "TMLR", "SISC"} <= short


@pytest.mark.django_db
def test_five_names_of_neurips_are_one_venue_named_as_the_table_names_it():
    names = [
        "Advances in Neural Information Processing Systems",
        "NeurIPS",
        "NeurIPS 2023",
        "Proceedings of NeurIPS",
        "Advances in Neural Information Processing Systems 36",
    ]
    Importer().run(read_bibtex("\n".join(entry(f"k{n}", name) for n, name in enumerate(names))))

    (venue,) = Venue.objects.all()
    assert (venue.name, venue.short_name, venue.kind) == (
        "Advances in Neural Information Processing Systems",
        "NeurIPS",
        Venue.Kind.CONFERENCE,
    )
    assert venue.publications.count() == 5


@pytest.mark.django_db
def test_an_existing_venue_is_found_by_the_table_and_by_its_own_aliases():
    neurips = f.VenueFactory(name="Neural Information Processing Systems", kind="conference")
    local = f.VenueFactory(name="Workshop on Examples", aliases=["WoE", "Example Workshop"])
    text = "\n".join(
        [
            entry("a", "NeurIPS 2022"),
            entry("b", "Proceedings of the 3rd WoE 2021"),
            entry("c", "example workshop"),
            entry("d", "Another Venue"),
        ]
    )

    Importer().run(read_bibtex(text))

    venues = dict(Publication.objects.values_list("citation_key", "venue"))
    assert venues == {
        "a": neurips.pk,
        "b": local.pk,
        "c": local.pk,
        "d": Venue.objects.get(name="Another Venue").pk,
    }
    assert Venue.objects.count() == 3


@pytest.mark.django_db
def test_venues_yml_gives_the_entries_venues_their_abbreviation_and_url(tmp_path):
    bib = tmp_path / "papers.bib"
    bib.write_text(
        "\n".join(
            [
                entry("a", "American Journal of Physics", abbr="AJP"),
                entry("b", "Vision Research", abbr="Vision"),
                entry("c", "Other", abbr="Unknown"),
            ]
        )
    )
    kept = f.VenueFactory(name="Vision Research", url="https://example.org/vision")

    call_command("import_bibtex", str(bib), venues=CORPUS / "alfolio_venues.yml", verbosity=0)

    ajp = Venue.objects.get(name="American Journal of Physics")
    assert (ajp.short_name, ajp.url) == ("AJP", "https://aapt.scitation.org/journal/ajp")
    kept.refresh_from_db()
    assert (kept.short_name, kept.url) == ("Vision", "https://example.org/vision")
    assert Venue.objects.get(name="Other").short_name == ""


@pytest.mark.django_db
def test_a_venues_file_that_is_no_mapping_is_refused(tmp_path):
    with pytest.raises(VenuesFileError, match="expected abbreviations"):
        read_venues_yml("- a\n- b\n")
    with pytest.raises(VenuesFileError, match="not YAML"):
        read_venues_yml("a: [\n")
    bad, bib = tmp_path / "venues.yml", tmp_path / "papers.bib"
    bad.write_text("- a\n")
    bib.write_text(entry("a", "V"))
    with pytest.raises(CommandError, match=r"venues\.yml: expected abbreviations"):
        call_command("import_bibtex", str(bib), venues=bad)


@pytest.mark.django_db
def test_editors_edit_aliases_one_a_line(admin_client):
    venue = f.VenueFactory(name="Journal of Examples")
    url = f"/admin/publications/venue/{venue.pk}/change/"
    form = admin_client.get(url)
    assert 'name="aliases"' in form.content.decode()

    response = admin_client.post(
        url,
        {
            "name": venue.name,
            "short_name": "JoE",
            "aliases": "J. Ex.\r\n\r\nExamples, Journal of\r\n",
            "kind": "journal",
            "publisher": "",
            "issn": "",
            "url": "",
            "slug": venue.slug,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    venue.refresh_from_db()
    assert venue.aliases == ["J. Ex.", "Examples, Journal of"]
    assert "J. Ex.\nExamples, Journal of" in admin_client.get(url).content.decode()


@pytest.mark.django_db
def test_alfolios_own_papers_take_their_venues_from_its_venues_yml():
    call_command(
        "import_bibtex",
        str(CORPUS / "alfolio_papers.bib"),
        venues=CORPUS / "alfolio_venues.yml",
        verbosity=0,
    )

    badges = dict(
        Venue.objects.exclude(short_name="").values_list("short_name", "url").order_by("name")
    )
    assert badges["AJP"] == "https://aapt.scitation.org/journal/ajp"
    assert badges["PhysRev"] == "https://journals.aps.org/"
    # "Ann. Phys." is not in venues.yml: its venue is left as the file names it.
    assert "Ann. Phys." not in badges


@pytest.mark.django_db
def test_numbered_journals_stay_apart():
    second = f.VenueFactory(name="Journal of Examples 2")
    Importer().run(
        read_bibtex(entry("a", "journal of examples 2") + entry("b", "Journal of Examples 3"))
    )

    assert Publication.objects.get(citation_key="a").venue == second
    assert Publication.objects.get(citation_key="b").venue.name == "Journal of Examples 3"


@pytest.mark.django_db
def test_a_venue_named_as_written_wins_over_one_that_normalises_alike():
    f.VenueFactory(name="Proceedings of the ACM")
    acm = f.VenueFactory(name="ACM")
    Importer().run(read_bibtex(entry("a", "acm")))
    assert Publication.objects.get().venue == acm
