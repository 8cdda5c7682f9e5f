"""BibTeX import: awkward real-world entries, repeat imports, editor changes, bad files."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from core.changes import current_version
from profiles.models import Researcher
from profiles.names import matches, name_form
from publications.bibtex import format_entries
from publications.bibtex_reader import read_bibtex
from publications.citation import citation
from publications.importer import Importer
from publications.models import Authorship, ImportRecord, Publication, Venue
from publications.records import ImportProblem
from scholarfolio.search import site_search
from tests import factories as f

CORPUS = Path(__file__).parent / "bibtex"
AWKWARD = CORPUS / "awkward.bib"
BROKEN = CORPUS / "broken.bib"


def import_file(path=AWKWARD, **options):
    call_command("import_bibtex", str(path), verbosity=0, **options)


def counts():
    return tuple(
        model.objects.count()
        for model in (Publication, Authorship, Researcher, Venue, ImportRecord)
    )


@pytest.mark.django_db
def test_awkward_entries_arrive_as_written():
    xu = f.ResearcherFactory(
        full_name="Zhi-Qin John Xu", given_name="Zhi-Qin", family_name="Xu", is_member=True
    )

    import_file(researcher=xu.slug)

    assert Publication.objects.count() == 5
    frequency = Publication.objects.get(doi="10.4208/cicp.OA-2020-0085")
    assert frequency.title == (
        "Frequency Principle: Fourier Analysis Sheds Light on Deep Neural Networks"
    )
    assert (frequency.kind, frequency.volume, frequency.issue, frequency.pages) == (
        "article",
        "28",
        "5",
        "1746-1767",
    )
    assert frequency.venue.name == "Communications in Computational Physics"
    spikes = Publication.objects.get(arxiv_id="2506.04805")
    assert (spikes.kind, spikes.status, spikes.arxiv_category) == ("preprint", "preprint", "cs.LG")
    graphs = Publication.objects.get(year=1959)
    assert graphs.title == "On random graphs with $\\beta_2$ edges and Schrödinger's & co"
    assert graphs.venue.name == "Advances in Neural Information Processing Systems"
    assert graphs.note == "Reprinted many times"
    assert [a.researcher.full_name for a in graphs.authorships.all()] == [
        "Paul Erdős",
        "Alfréd Rényi",
    ]
    gemini = Publication.objects.get(year=2023)
    assert [a.researcher.full_name for a in gemini.authorships.all()] == [
        "Gemini Team",
        "Google DeepMind",
    ]
    book = Publication.objects.get(title="《深度学习现象导论》")
    assert (book.kind, book.keywords) == ("book", ["deep learning", "phenomena"])
    # "Xu, Zhi-Qin John" and "Xu, Z.-Q. J." are the existing member, under both spellings.
    assert set(xu.authorships.values_list("publication__arxiv_id", flat=True)) == {
        "",
        "2506.04805",
    }
    spelled = spikes.authorships.get(researcher=xu)
    assert spelled.printed_name == "Z.-Q. J. Xu"
    # Search vectors are rebuilt once at the end of the import, for papers and new people.
    assert not Publication.objects.filter(search_vector=None).exists()
    assert not Researcher.objects.filter(search_vector=None).exists()
    sections = site_search(text="Schrödinger", only="", page=1).sections
    papers = next(section for section in sections if section.key == "papers")
    assert [paper.slug for paper in papers.page.object_list] == [graphs.slug]


@pytest.mark.django_db
def test_a_second_import_writes_nothing():
    import_file()
    before, version = counts(), current_version()

    report = Importer().run(read_bibtex(AWKWARD.read_text()))

    assert counts() == before
    assert current_version() == version
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 5)


@pytest.mark.django_db
def test_the_dry_run_reports_exactly_what_the_import_does():
    before = counts()

    preview = Importer().run(read_bibtex(AWKWARD.read_text()), dry_run=True)
    assert counts() == before
    done = Importer().run(read_bibtex(AWKWARD.read_text()))

    assert (preview.created, preview.new_people, preview.matched_people) == (
        done.created,
        done.new_people,
        done.matched_people,
    )
    assert len(done.created) == Publication.objects.count() == 5


@pytest.mark.django_db
def test_a_field_an_editor_changed_is_kept_unless_asked(tmp_path):
    import_file()
    paper = Publication.objects.get(doi="10.4208/cicp.OA-2020-0085")
    paper.title = "Frequency principle (edited)"
    paper.save()
    changed = tmp_path / "changed.bib"
    changed.write_text(
        AWKWARD.read_text().replace("volume = {28}", "volume = {29}").replace("Sheds", "Sheds!")
    )

    report = Importer().run(read_bibtex(changed.read_text()))
    paper.refresh_from_db()
    assert (paper.title, paper.volume) == ("Frequency principle (edited)", "29")
    assert report.kept == ["Frequency principle (edited): title"]

    Importer(overwrite=True).run(read_bibtex(changed.read_text()))
    paper.refresh_from_db()
    assert paper.title.startswith("Frequency Principle: Fourier Analysis Sheds! Light")


BAD_ENTRIES = (
    "line 8, entry typo2021: cannot be read",
    "line 14, entry noyear: no year",
    "line 19, entry badyear: the year “20x5” is not a four-digit year",
    "line 25, entry notitle: no title",
)


@pytest.mark.django_db
def test_bad_entries_are_skipped_with_each_key_and_line_and_the_rest_imports(capsys):
    import_file(BROKEN)

    errors = capsys.readouterr().err
    for expected in BAD_ENTRIES:
        assert f"skipped: {expected}" in errors
    assert "fine2020" not in errors
    assert list(Publication.objects.values_list("title", flat=True)) == ["A fine paper"]


@pytest.mark.django_db
def test_strict_refuses_a_file_with_bad_entries_whole(capsys):
    before = counts()

    with pytest.raises(CommandError, match="4 bad entries; nothing was imported"):
        import_file(BROKEN, strict=True)

    errors = capsys.readouterr().err
    for expected in BAD_ENTRIES:
        assert expected in errors
    assert counts() == before


@pytest.mark.django_db
def test_a_value_the_model_refuses_is_kept_as_written_with_a_warning():
    text = (
        AWKWARD.read_text()
        + "\n@article{bad, title={Bad DOI}, author={Luo, Tao}, year=2020, doi={not a doi}}\n"
    )

    report = Importer().run(read_bibtex(text))

    assert len(report.created) == 6
    assert report.warnings == ["line 52, entry bad, field doi: not a DOI; kept as written"]
    paper = Publication.objects.get(title="Bad DOI")
    assert (paper.doi, paper.extra_fields) == ("", {"doi": "not a doi"})


@pytest.mark.django_db
def test_an_entry_the_model_refuses_is_skipped_or_in_strict_mode_refuses_all():
    text = (
        AWKWARD.read_text()
        + "\n@article{long, title={"
        + "x" * 600
        + "}, author={Luo, Tao}, year=2020}\n"
    )

    report = Importer().run(read_bibtex(text))
    assert len(report.created) == 5
    assert report.skipped == [
        "line 52, entry long: the title cannot be stored: Ensure this value has at most 500 "
        "characters (it has 600)."
    ]
    Publication.objects.all().delete()
    before = counts()
    with pytest.raises(ImportProblem, match="entry long: the title cannot be stored"):
        Importer(strict=True).run(read_bibtex(text))
    assert counts() == before


@pytest.mark.django_db
def test_an_ambiguous_name_is_reported_not_guessed():
    john = f.ResearcherFactory(full_name="John Smith")
    jane = f.ResearcherFactory(full_name="Jane Smith")
    text = "@article{s, title={T}, author={Smith, J.}, journal={J}, year=2020}"

    report = Importer().run(read_bibtex(text))

    assert report.ambiguous == ["J. Smith: could be Jane Smith, John Smith; added as a new name"]
    author = Publication.objects.get().authorships.get().researcher
    assert author not in (john, jane)


@pytest.mark.django_db
def test_exported_bibtex_imports_back_to_the_same_papers():
    import_file()
    exported = format_entries([citation(p) for p in Publication.objects.all()])
    before = counts()

    report = Importer().run(read_bibtex(exported))

    assert counts() == before
    assert len(report.unchanged) == 5 and not report.created


@pytest.mark.django_db
def test_import_from_the_command_line_reads_only_utf8(tmp_path):
    latin = tmp_path / "latin1.bib"
    latin.write_bytes("@article{a, title={Schrödinger}, year=2020}".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        import_file(latin)
    with pytest.raises(CommandError, match="no such file"):
        import_file(tmp_path / "missing.bib")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Z.-Q. J. Xu", "Zhi-Qin John Xu"),
        ("Zhiqin Xu", "Zhi-Qin John Xu"),
        ("Xu, Zhi-Qin John", "Z.-Q. J. Xu"),
        ("Paul Erdős", "P. Erdos"),
    ],
)
def test_name_forms_of_one_person_match(a, b):
    assert matches(a, [("same", [b])]) == ["same"]


@pytest.mark.parametrize(
    "a, b", [("Wei Zhang", "Wen Zhang"), ("Tao Luo", "Tao Lu"), ("Z. Xu", "Y. Xu")]
)
def test_different_people_do_not_match(a, b):
    assert matches(a, [("other", [b])]) == []


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from('@{}=,\\"$%#~ \n'),
    max_size=300,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=TEXT)
def test_the_reader_fails_only_with_a_bibtex_error(text):
    try:
        entries = read_bibtex(text)
    except ImportProblem as error:
        assert error.problems and all(error.problems)
    else:
        assert all(entry.title and entry.year for entry in entries)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(name=TEXT, other=TEXT)
def test_the_name_matcher_never_crashes(name, other):
    name_form(name)
    assert matches(name, [("x", [other])]) in ([], ["x"])


IMPORT_URL = "/admin/publications/publication/import/"


@pytest.mark.django_db
def test_the_admin_previews_then_imports(admin_client):
    changelist = admin_client.get("/admin/publications/publication/")
    assert IMPORT_URL in changelist.content.decode()

    with AWKWARD.open("rb") as upload:
        preview = admin_client.post(IMPORT_URL, {"file": upload})

    assert preview.status_code == 200
    report = preview.context["report"]
    assert len(report.created) == 5 and report.dry_run
    assert "5 papers would be created" in preview.content.decode()
    assert Publication.objects.count() == 0
    # The file waits in the session: the confirmation carries a token, whatever the size.
    assert list(preview.context["confirm"].fields) == ["token"]
    token = preview.context["confirm"].initial["token"]

    done = admin_client.post(IMPORT_URL, {"confirm": "Import", "token": token})

    assert done.status_code == 302
    assert Publication.objects.count() == 5
    assert "5 papers were created" in admin_client.get(done.url).content.decode()


@pytest.mark.django_db
def test_the_admin_lists_the_bad_entries_and_offers_the_good_ones(admin_client):
    with BROKEN.open("rb") as upload:
        response = admin_client.post(IMPORT_URL, {"file": upload})

    assert response.status_code == 200
    body = response.content.decode()
    assert "line 19, entry badyear" in body
    assert "Import the 1 good entries" in body
    report = response.context["report"]
    assert (len(report.created), len(report.skipped)) == (1, 4)
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_the_strict_admin_names_the_bad_entries_and_writes_nothing(admin_client):
    before = counts()
    with BROKEN.open("rb") as upload:
        response = admin_client.post(IMPORT_URL, {"file": upload, "strict": "on"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was written" in body
    assert "line 19, entry badyear" in body
    assert "report" not in response.context
    assert counts() == before


@pytest.mark.django_db
def test_members_and_visitors_cannot_import(member_client):
    assert Client().get(IMPORT_URL).status_code == 302  # a visitor, to the login page
    assert member_client.get(IMPORT_URL).status_code == 403
    assert IMPORT_URL not in member_client.get("/admin/publications/publication/").content.decode()


@pytest.mark.django_db
def test_an_ambiguous_name_is_one_new_person_for_the_whole_file():
    f.ResearcherFactory(full_name="John Smith")
    f.ResearcherFactory(full_name="Jane Smith")
    text = "\n".join(
        f"@article{{s{n}, title={{T{n}}}, author={{Smith, J.}}, journal={{J}}, year=2020}}"
        for n in range(3)
    )

    report = Importer().run(read_bibtex(text))

    assert len(report.ambiguous) == 1 and len(report.new_people) == 1
    assert Researcher.objects.filter(full_name="J. Smith").count() == 1


@pytest.mark.django_db
def test_authors_restored_by_a_second_import_retire_cached_pages(client):
    Importer().run(read_bibtex(AWKWARD.read_text(encoding="utf-8")))
    paper = Publication.objects.get(title__startswith="Adaptive Preconditioners")
    paper.authorships.all().delete()
    before = current_version().number

    report = Importer().run(read_bibtex(AWKWARD.read_text(encoding="utf-8")))

    assert paper.authorships.exists()
    assert any(line.endswith(": authors") for line in report.updated)
    assert current_version().number > before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command, args",
    [
        ("import_bibtex", [str(AWKWARD)]),
        ("import_orcid", ["0000-0002-1825-0097", "--file", str(AWKWARD)]),
        ("sync_citations", []),
    ],
)
def test_an_unknown_researcher_is_named_and_nothing_is_written(command, args):
    with pytest.raises(CommandError, match="No researcher with the slug “nobody”"):
        call_command(command, *args, "--researcher", "nobody", verbosity=0)
    assert not Publication.objects.exists()
