"""Real BibTeX files in and back out: al-folio's and Hugo Blox's own samples (the shared
corpus) and awkward snippets shaped like real exports (ADS, PubMed, al-folio users' files),
each imported, exported and imported again with nothing lost and nothing changed."""

import dataclasses
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.models import Researcher
from publications import bibtex_reader
from publications.bibtex import format_entries
from publications.bibtex_reader import Options, parse_marks, read_file
from publications.citation import citation
from publications.importer import Importer
from publications.models import Authorship, ImportRecord, Publication, Venue
from publications.records import ImportProblem
from publications.rendering import bibtex_file

CORPUS = Path(__file__).parents[1] / "corpus"
REAL = Path(__file__).parent / "bibtex" / "realworld"
FILES = sorted(CORPUS.glob("*.bib")) + sorted(REAL.glob("*.bib"))


def counts():
    return tuple(
        model.objects.count()
        for model in (Publication, Authorship, Researcher, Venue, ImportRecord)
    )


def comparable(work) -> dict:
    """What a read entry says, without where it stood in its file."""
    data = dataclasses.asdict(work)
    for name in ("line", "warnings"):
        data.pop(name)
    return data


def export_all() -> str:
    return bibtex_file(Publication.objects.all())


def test_the_corpus_is_there():
    assert {path.name for path in FILES} >= {
        "alfolio_papers.bib",
        "hugoblox_pub_conference-paper_cite.bib",
        "hugoblox_pub_journal-article_cite.bib",
        "ads.bib",
        "alfolio_user.bib",
        "pubmed.bib",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_file_imports_exports_and_reimports_unchanged(path):
    text = path.read_text(encoding="utf-8")
    first = read_file(text)
    report = Importer().run(first.entries, skipped=first.skipped)
    assert len(report.created) == len(first.entries) > 0
    before = counts()

    exported = export_all()
    again = read_file(exported)

    # Nothing is lost: the export reads back to what the file said, entry by entry.
    assert not again.skipped and not again.warnings
    originals = {work.key: comparable(work) for work in first.entries}
    returned = {work.key: comparable(work) for work in again.entries}
    assert returned.keys() == originals.keys()
    differences = [
        (key, name, value, returned[key][name])
        for key, data in originals.items()
        for name, value in data.items()
        if returned[key][name] != value
    ]
    assert differences == []
    # And importing it changes nothing.
    second = Importer().run(again.entries)
    assert (len(second.created), len(second.updated)) == (0, 0)
    assert len(second.unchanged) == len(first.entries)
    assert counts() == before


@pytest.mark.django_db
def test_alfolio_sample_keeps_every_alfolio_field():
    call_command("import_bibtex", str(CORPUS / "alfolio_papers.bib"), verbosity=0)

    epr = Publication.objects.get(citation_key="PhysRev.47.777")
    assert (epr.venue_abbr, epr.featured, epr.month, epr.address) == (
        "PhysRev",
        True,
        5,
        "New Jersey",
    )
    assert (epr.doi, epr.url, epr.pages, epr.issue) == (
        "10.1103/PhysRev.47.777",
        "http://link.aps.org/doi/10.1103/PhysRev.47.777",
        "777-780",
        "10",
    )
    assert epr.links == {
        "pdf": "example_pdf.pdf",
        "html": "https://journals.aps.org/pr/abstract/10.1103/PhysRev.47.777",
        "video": "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
    }
    assert (epr.altmetric, epr.dimensions, epr.google_scholar_id) == (
        "248277",
        "true",
        "qyhmnyLat1gC",
    )
    assert epr.annotation == "* Example use of superscripts<br>† Albert Einstein"
    assert epr.additional_info.startswith(". *More Information* can be [found here]")
    assert epr.extra_fields["inspirehep_id"] == "3255"
    assert epr.extra_fields["numpages"] == "0"  # not a page count: kept as written
    assert epr.publisher == "American Physical Society,"
    authors = list(epr.authorships.order_by("position"))
    assert [a.display_name for a in authors] == ["A. Einstein", "B. Podolsky", "N. Rosen"]
    assert [(a.equal_contribution, a.corresponding) for a in authors] == [
        (True, True),
        (True, False),
        (True, False),
    ]
    photo = Publication.objects.get(citation_key="einstein1905photoelectriceffect")
    assert photo.award_name == "Nobel Prize"
    assert photo.award.startswith("Albert Einstein receveid the **Nobel Prize in Physics**")
    assert photo.title.startswith("Über einen die Erzeugung")
    brownian = Publication.objects.get(citation_key="einstein1956investigations")
    assert (brownian.bibtex_show, brownian.preview, brownian.publisher) == (
        True,
        "brownian-motion.gif",
        "Courier Corporation",
    )


@pytest.mark.django_db
def test_relative_links_resolve_against_the_base_url():
    call_command(
        "import_bibtex",
        str(CORPUS / "alfolio_papers.bib"),
        "--base-url",
        "https://example.org/assets/pdf",
        verbosity=0,
    )
    epr = Publication.objects.get(citation_key="PhysRev.47.777")
    assert epr.pdf_url == "https://example.org/assets/pdf/example_pdf.pdf"
    assert "pdf" not in epr.links
    relativity = Publication.objects.get(citation_key="einstein1920relativity")
    assert relativity.links == {"html": "https://example.org/assets/pdf/relativity.html"}


@pytest.mark.django_db
def test_marks_become_flags_and_leave_the_names():
    call_command("import_bibtex", str(REAL / "alfolio_user.bib"), verbosity=0)

    llm = Publication.objects.get(citation_key="yuan2024llm")
    rows = [
        (a.display_name, a.equal_contribution, a.corresponding)
        for a in llm.authorships.order_by("position")
    ]
    assert rows == [
        ("Zhihang Yuan", True, False),
        ("Yuzhang Shang", True, False),
        ("Yang Zhou", False, False),
        ("Zhen Dong", False, True),
    ]
    assert llm.et_al and llm.arxiv_id == "2402.16363" and llm.featured
    assert llm.links == {"pdf": "yuan2024llm.pdf", "slides": "yuan2024llm-slides.pdf"}
    assert llm.code_url == "https://github.com/hahnyuan/LLM-Viewer"
    # The repeated field keeps its first value.
    assert llm.extra_fields == {"selected1": "true"}
    garcia = Publication.objects.get(citation_key="garcia2019handle")
    rows = [
        (a.display_name, a.equal_contribution, a.corresponding) for a in garcia.authorships.all()
    ]
    assert rows == [("Jordi García", True, True), ("Marta Puig", True, True)]
    assert garcia.pages == "2003-2012"
    park = Publication.objects.get(citation_key="park2022jats")
    assert park.title == "Bounds for $\\ell_1$-regularised sparse models"
    assert park.authorships.get(position=2).other_marks == "^"
    assert not Researcher.objects.filter(full_name__contains="*").exists()


@pytest.mark.django_db
def test_a_site_legend_reads_hash_as_equal_and_star_as_corresponding(tmp_path):
    path = tmp_path / "site.bib"
    path.write_text("@article{k, title={T}, author={Bai#, Zhiwei and Xu*, Zhiqin}, year=2024}")

    call_command("import_bibtex", str(path), "--marks", "site", verbosity=0)

    flags = [
        (a.display_name, a.equal_contribution, a.corresponding)
        for a in Authorship.objects.order_by("position")
    ]
    assert flags == [("Zhiwei Bai", True, False), ("Zhiqin Xu", False, True)]
    assert "Bai#, Zhiwei and Xu*, Zhiqin" in format_entries(
        [citation(paper) for paper in Publication.objects.with_authors()],
        legend={"equal": "#", "corresponding": "*"},
    )


def test_a_legend_is_read_or_refused_by_name():
    assert parse_marks("*=equal, †=corresponding, ‡=equal") == {
        "*": "equal",
        "†": "corresponding",
        "‡": "equal",
    }
    assert parse_marks("alfolio") == {"*": "equal", "†": "corresponding"}
    with pytest.raises(ValueError, match="the flag is one of equal, corresponding"):
        parse_marks("*=first")
    with pytest.raises(ValueError, match="MARK=FLAG"):
        parse_marks("x=equal")


@pytest.mark.django_db
def test_the_command_reports_each_entry_and_the_problems(tmp_path, capsys):
    call_command("import_bibtex", str(REAL / "alfolio_user.bib"), verbosity=2)

    out, err = capsys.readouterr()
    assert (
        out.strip()
        .splitlines()[-1]
        .startswith("3 papers were created, 0 updated, 0 unchanged, 1 skipped, 4 warnings;")
    )
    assert "line 7, entry yuan2024llm: created: LLM Inference Unveiled" in out
    assert "line 39, entry lee2023: skipped: the year “forthcoming” is not a four-digit" in out
    assert (
        "warning: line 7, entry yuan2024llm, field selected1: given more than once; "
        "the first value is kept"
    ) in err
    assert "line 26, entry garcia2019handle, field doi: not a DOI; kept as written" in err
    assert "line 45, entry park2022jats, field date: “2022-02-30” is not a date" in err
    assert "ignore_error_block" not in out + err and "bibtexparser" not in out + err

    call_command("import_bibtex", str(REAL / "alfolio_user.bib"), verbosity=1)
    assert (
        capsys.readouterr()
        .out.strip()
        .startswith("0 papers were created, 0 updated, 3 unchanged, 1 skipped")
    )


@pytest.mark.django_db
def test_strict_imports_nothing_when_an_entry_cannot_be_imported(capsys):
    with pytest.raises(CommandError, match="1 bad entries; nothing was imported"):
        call_command("import_bibtex", str(REAL / "alfolio_user.bib"), "--strict", verbosity=0)
    assert "entry lee2023: the year" in capsys.readouterr().err
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_pubmed_notes_and_ids(capsys):
    call_command("import_bibtex", str(REAL / "pubmed.bib"), verbosity=0)

    long = Publication.objects.get(pmid="31025164")
    assert long.note == ""
    assert long.full_note.startswith("[Online; accessed 1-June-2020]. Epub 2020 Apr 29.")
    assert "doi:10.1038/s41591-020-0897-1 (https://doi.org/10.1038/s41591-020-0897-1)" in (
        long.full_note
    )
    assert long.title == "Antibody responses to SARS-CoV-2 in patients"
    short = Publication.objects.get(pmid="30000001")
    assert (short.note, short.url) == (
        "see https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6000000/",
        "",
    )
    assert "field note: too long for the badge" in capsys.readouterr().err


@pytest.mark.django_db
def test_ads_exports_keep_their_journal_and_links():
    call_command("import_bibtex", str(REAL / "ads.bib"), verbosity=0)

    cluster = Publication.objects.get(arxiv_id="1804.09819")
    assert (cluster.kind, cluster.venue.name, cluster.article_number, cluster.month) == (
        "article",
        "Astrophysical Journal",
        "94",
        9,
    )
    assert cluster.authorships.first().display_name == "Gillen Brown"
    assert cluster.extra_fields["adsurl"] == "https://ui.adsabs.harvard.edu/abs/2018ApJ...864...94B"
    spie = Publication.objects.get(doi="10.1117/12.2562211")
    assert spie.et_al and spie.series.startswith("Society of Photo-Optical")
    assert spie.title == "The $^{13}$CO emission of M 87: a first look"


FIELD_NAMES = st.sampled_from(
    ["title", "author", "year", "doi", "note", "pages", "month", "date", "selected", "pdf",
     "cofirst", "eprint", "arxiv", "url", "abbr", "numpages", "x-custom", "selected1"]
)  # fmt: skip
PIECES = ["\\href{", "\\url{", "}{", "*", "†", "$^*$", "<tex-math>", "\\'", "--", " and "]
VALUE = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8)
    | st.sampled_from(PIECES),
    max_size=6,
).map("".join)
ENTRY = st.builds(
    lambda kind, key, fields: (
        f"@{kind}{{{key},\n"
        + "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
        + "}\n"
    ),
    st.sampled_from(["article", "misc", "inproceedings", "Book", "weird"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9:._-]{0,12}", fullmatch=True),
    st.lists(st.tuples(FIELD_NAMES, VALUE), max_size=8),
)
FILE = st.lists(ENTRY | st.text(max_size=60), max_size=5).map("\n".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=FILE)
def test_the_reader_never_raises_but_to_refuse_a_whole_file(text):
    try:
        reading = read_file(text, Options(base_url="https://example.org/pdf/"))
    except ImportProblem as error:
        assert error.problems and all(error.problems)
        return
    for work in reading.entries:
        assert work.title and 1000 <= work.year <= 2100 and all(work.authors)
        assert not any(mark in name for name in work.authors for mark in "*†‡")
        assert all(str(notice) for notice in work.warnings)
    assert all(notice.message for notice in reading.skipped)


ACCENTED = st.lists(
    st.sampled_from(
        ["a", "Z", " ", "{", "}", "\\'e", "\\'{e}", "{\\'e}", '\\"{o}', '{\\"U}', "\\H{o}",
         "\\v{s}", "\\c c", "\\ss{}", "\\o", "{\\aa}", "\\'{\\i}", "--", "---", "~", "\\&",
         "\\emph{x}", "``", "''", "\\textbf{B}", "\\l{}"]
    ),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=ACCENTED)
def test_the_fast_latex_decoding_agrees_with_pylatexenc(text):
    fast = bibtex_reader._fast(text)
    if fast is not None and bibtex_reader.nesting(text) >= 0:
        slow = bibtex_reader._latex.latex_to_text(text)
        assert " ".join(fast.split()) == " ".join(slow.split())


@pytest.mark.django_db
def test_the_paper_page_shows_what_alfolio_kept(client):
    call_command(
        "import_bibtex",
        str(REAL / "alfolio_user.bib"),
        "--base-url",
        "https://example.org/assets/pdf/",
        verbosity=0,
    )
    paper = Publication.objects.get(citation_key="yuan2024llm")

    page = client.get(paper.get_absolute_url()).content.decode()

    assert '<span class="badge abbr">ICML</span>' in page
    assert '<span class="badge award">Oral</span>' in page
    assert "Oral presentation, top 1.5" in page
    assert '<a href="https://example.org/assets/pdf/yuan2024llm-slides.pdf">Slides</a>' in page
    assert '<a href="https://github.com/hahnyuan/LLM-Viewer">Code</a>' in page
    assert "Zhen Dong</a><sup" in page or "Zhen Dong<sup" in page
    assert " et al." in page
