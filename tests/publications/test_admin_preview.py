"""The admin's BibTeX import: a paste box beside the upload, al-folio's venues.yml as a
second file, and a preview naming per entry what changes and who each author is."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from publications.models import Publication, Venue
from tests import factories as f

IMPORT_URL = "/admin/publications/publication/import/"
CORPUS = Path(__file__).parents[1] / "corpus"
TEXT = (
    "@article{new1, title={A New Paper}, author={Lee, Ann and Zhang, Ying}, journal={J},"
    " year=2024}\n"
    "@article{old1, title={An Old Paper}, author={Lee, Ann}, journal={J}, year=2020,"
    " volume={7}, pages={1--9}}\n"
)


def bib(text=TEXT):
    return SimpleUploadedFile("papers.bib", text.encode(), content_type="text/x-bibtex")


@pytest.mark.django_db
def test_pasted_entries_preview_then_import(admin_client):
    preview = admin_client.post(IMPORT_URL, {"pasted": TEXT})

    assert preview.status_code == 200
    assert len(preview.context["report"].created) == 2
    token = preview.context["confirm"].initial["token"]
    assert not Publication.objects.exists()
    admin_client.post(IMPORT_URL, {"confirm": "Import", "token": token})
    assert sorted(Publication.objects.values_list("citation_key", flat=True)) == ["new1", "old1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, error",
    [
        (
            {"pasted": TEXT, "file": "upload"},
            "Give a file or pasted text, not both: which one should be imported?",
        ),
        ({"pasted": "  \n"}, "Choose a BibTeX file or paste its entries."),
    ],
)
def test_both_or_neither_is_a_form_error(admin_client, data, error):
    if data.get("file"):
        data["file"] = bib()
    response = admin_client.post(IMPORT_URL, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [error]
    assert "report" not in response.context


@pytest.mark.django_db
def test_the_preview_names_each_entrys_changes_and_authors(admin_client):
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    old = f.PublicationFactory(title="An Old Paper", year=2020)
    f.AuthorshipFactory(publication=old, researcher=ann, position=1)

    response = admin_client.post(IMPORT_URL, {"file": bib(), "researcher": ann.pk})

    rows = {row["key"]: row for row in response.context["rows"]}
    assert rows["new1"]["outcome"] == "created" and rows["old1"]["outcome"] == "updated"
    assert rows["old1"]["changes"] == ["volume", "pages", "citation_key"]
    assert rows["old1"]["authors"] == []  # the paper keeps its own
    ann_url = f"/admin/profiles/researcher/{ann.pk}/change/"
    assert rows["new1"]["authors"] == [
        {"name": "Ann Lee", "researcher": "Ann Lee", "url": ann_url},
        {"name": "Ying Zhang", "researcher": "Ying Zhang", "url": None},
    ]
    body = response.content.decode()
    assert f'Ann Lee: <a href="{ann_url}">Ann Lee</a>' in body
    assert "Ying Zhang: <em>new person will be added</em>" in body
    assert "<td>volume, pages, citation_key</td>" in body
    assert "the paper keeps its authors" in body


@pytest.mark.django_db
def test_the_venues_file_in_the_admin_fills_short_name_and_url(admin_client):
    text = "@article{p, title={T}, author={Lee, Ann}, journal={American Journal of Physics},"
    text += " year=2020, abbr={AJP}}"
    venues = SimpleUploadedFile("venues.yml", (CORPUS / "alfolio_venues.yml").read_bytes())

    preview = admin_client.post(IMPORT_URL, {"pasted": text, "venues": venues})

    assert preview.context["report"].venues == ["American Journal of Physics: short_name, url"]
    token = preview.context["confirm"].initial["token"]
    admin_client.post(IMPORT_URL, {"confirm": "Import", "token": token})
    venue = Venue.objects.get()
    assert (venue.short_name, venue.url) == ("AJP", "https://aapt.scitation.org/journal/ajp")


@pytest.mark.django_db
def test_a_bad_venues_file_is_a_form_error(admin_client):
    venues = SimpleUploadedFile("venues.yml", b"- a\n")
    response = admin_client.post(IMPORT_URL, {"pasted": TEXT, "venues": venues})
    assert response.context["form"].errors["venues"] == [
        "venues.yml: expected abbreviations, each with a url and a color"
    ]


@pytest.mark.django_db
def test_the_preview_reads_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries):
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    families = [f"Author{letter}" for letter in "abcdefghijklmnopqrst"]
    for family in families:
        f.ResearcherFactory(full_name=f"Co {family}")
    text = "\n".join(
        f"@article{{k{n}, title={{Paper {n}}}, author={{Lee, Ann and {families[n % 20]}, Co"
        f" and {families[(n + 1) % 20]}, Co and New{'xyz'[n % 3]}, Person}},"
        f" journal={{Journal {n % 3}}}, year=2024}}"
        for n in range(60)
    )
    admin_client.get(IMPORT_URL)  # the session and the user, read once

    # 21, 2 for each new person or venue (3 of each), 6 naming the pages the rows would
    # change (core.changes, resolved once per model for the whole batch; the sixth the
    # papers' grants), and 1 for the admin's app list (site settings, addable only while
    # none exist): none more for each entry.
    with django_assert_max_num_queries(40):
        response = admin_client.post(IMPORT_URL, {"pasted": text, "researcher": ann.pk})

    assert len(response.context["report"].created) == 60
    assert len(response.context["rows"]) == 60
