import bibtexparser
import pytest
from bibtexparser import middlewares

from publications.bibtex import (
    ENTRY_TYPES,
    Citation,
    Person,
    citation_key,
    deduplicate_keys,
    escape,
    format_entries,
    format_entry,
    stable_keys,
)
from publications.models import Publication

CONNECTIVITY = Citation(
    kind="conference",
    title="Connectivity Shapes Implicit Regularization in Matrix Factorization Models for "
    "Matrix Completion",
    authors=(Person("Bai", "Zhiwei"), Person("Zhao", "Jiajie"), Person("Zhang", "Yaoyu")),
    year=2024,
    venue="The Thirty-eighth Annual Conference on Neural Information Processing Systems "
    "(NeurIPS 2024)",
    volume="37",
    pages="45914-45955",
)
EMBEDDING = Citation(
    kind="article",
    title="Embedding Principle in Depth for the Loss Landscape Analysis of Deep Neural Networks",
    authors=(
        Person("Bai", "Zhiwei"),
        Person("Luo", "Tao"),
        Person("Xu", "Zhi-Qin John"),
        Person("Zhang", "Yaoyu"),
    ),
    year=2024,
    venue="CSIAM Transactions on Applied Mathematics",
    volume="5",
    issue="2",
    pages="350-389",
    doi="10.4208/csiam-am.SO-2023-0020",
)
LOSS_SPIKES = Citation(
    kind="preprint",
    title=r"Adaptive Preconditioners Trigger Loss Spikes in Adam: the $\beta_2$ & $2/\eta$ story",
    authors=(Person("Bai", "Zhiwei"), Person("Xu", "Zhi-Qin John")),
    year=2025,
    venue="arXiv",
    arxiv_id="2506.04805",
    arxiv_category="cs.LG",
    url="https://arxiv.org/abs/2506.04805",
    note="Spotlight (Top 3.5%)",
)


def parse(text: str):
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert not library.failed_blocks
    return library.entries


def test_key_is_family_name_year_and_first_significant_title_word():
    assert citation_key(CONNECTIVITY) == "bai2024connectivity"


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("Towards Understanding Adam Convergence", "understanding"),
        ("On the Implicit Bias of Gradient Noise", "implicit"),
        (r"$\beta$-Exponential Decay in Adam", "exponential"),
        ("A Théorie of Everything", "theorie"),
    ],
)
def test_key_skips_small_words_and_math(title, word):
    key = citation_key(Citation(kind="article", title=title, authors=(Person("Bai"),), year=2024))
    assert key == f"bai2024{word}"


def test_key_folds_the_family_name_to_ascii():
    citation = Citation(
        kind="article", title="Results", authors=(Person("Müller-Zhāng"),), year=2020
    )
    assert citation_key(citation) == "mullerzhang2020results"


def test_key_without_usable_author_name():
    citation = Citation(kind="article", title="Results", authors=(Person("白"),), year=2020)
    assert citation_key(citation) == "anon2020results"


def test_repeated_keys_get_letters_in_order():
    assert deduplicate_keys(["x", "y", "x", "x"]) == ["xa", "y", "xb", "xc"]
    assert deduplicate_keys(["z"] * 28)[-2:] == ["zaa", "zab"]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Top 3.5% & #1 in {set}_x", r"Top 3.5\% \& \#1 in \{set\}\_x"),
        (r"rate $2/\eta$ and $g_t^2$", r"rate $2/\eta$ and $g_t^2$"),
        (r"costs \$5", r"costs \$5"),
        (r"broken $\frac{a$ math", r"broken \$\textbackslash{}frac\{a\$ math"),
        ("a~b^c", r"a\textasciitilde{}b\textasciicircum{}c"),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_every_publication_kind_has_an_entry_type():
    assert set(ENTRY_TYPES) == set(Publication.Kind.values)


def test_journal_article_round_trips():
    (entry,) = parse(format_entry(EMBEDDING))
    assert entry.entry_type == "article"
    assert entry.key == "bai2024embedding"
    assert entry["journal"] == "CSIAM Transactions on Applied Mathematics"
    assert entry["title"] == EMBEDDING.title
    assert entry["volume"] == "5"
    assert entry["number"] == "2"
    assert entry["pages"] == "350--389"
    assert entry["year"] == "2024"
    assert entry["doi"] == "10.4208/csiam-am.SO-2023-0020"
    authors = [(" ".join(name.last), " ".join(name.first)) for name in entry["author"]]
    assert authors == [
        ("Bai", "Zhiwei"),
        ("Luo", "Tao"),
        ("Xu", "Zhi-Qin John"),
        ("Zhang", "Yaoyu"),
    ]


def test_conference_paper_is_inproceedings_with_booktitle():
    (entry,) = parse(format_entry(CONNECTIVITY))
    assert entry.entry_type == "inproceedings"
    assert entry["booktitle"] == CONNECTIVITY.venue
    assert "journal" not in entry.fields_dict


def test_arxiv_preprint_is_misc_with_eprint_fields():
    text = format_entry(LOSS_SPIKES)
    (entry,) = parse(text)
    assert entry.entry_type == "misc"
    assert entry["eprint"] == "2506.04805"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["primaryClass"] == "cs.LG"
    assert entry["url"] == "https://arxiv.org/abs/2506.04805"
    assert entry["title"] == (
        r"Adaptive Preconditioners Trigger Loss Spikes in Adam: the $\beta_2$ \& $2/\eta$ story"
    )
    assert entry["note"] == r"Spotlight (Top 3.5\%)"


@pytest.mark.parametrize(
    ("kind", "entry_type", "venue_field"),
    [
        ("thesis", "phdthesis", "school"),
        ("report", "techreport", "institution"),
        ("chapter", "incollection", "booktitle"),
        ("workshop", "inproceedings", "booktitle"),
    ],
)
def test_entry_type_and_venue_field_by_kind(kind, entry_type, venue_field):
    citation = Citation(
        kind=kind, title="Results", authors=(Person("Bai", "Zhiwei"),), year=2024, venue="Place"
    )
    (entry,) = parse(format_entry(citation))
    assert entry.entry_type == entry_type
    assert entry[venue_field] == "Place"


def test_article_number_is_written_as_eid():
    citation = Citation(
        kind="article",
        title="Local Linear Recovery",
        authors=(Person("Zhang", "Yaoyu"),),
        year=2025,
        volume="26",
        article_number="69",
        pages="1-30",
    )
    (entry,) = parse(format_entry(citation))
    assert entry["eid"] == "69"
    assert entry["pages"] == "1--30"


def test_empty_fields_are_left_out():
    citation = Citation(kind="article", title="Results", authors=(Person("Bai"),), year=2024)
    (entry,) = parse(format_entry(citation))
    assert set(entry.fields_dict) == {"author", "title", "year"}
    assert entry["author"][0].last == ["Bai"]


def test_many_entries_get_unique_keys():
    entries = parse(format_entries([EMBEDDING, CONNECTIVITY, EMBEDDING]))
    assert [entry.key for entry in entries] == [
        "bai2024embeddinga",
        "bai2024connectivity",
        "bai2024embeddingb",
    ]


def test_entry_text_layout():
    assert format_entry(CONNECTIVITY).splitlines()[:3] == [
        "@inproceedings{bai2024connectivity,",
        "  author    = {Bai, Zhiwei and Zhao, Jiajie and Zhang, Yaoyu},",
        "  title     = {Connectivity Shapes Implicit Regularization in Matrix Factorization "
        "Models for Matrix Completion},",
    ]


def test_stable_keys_leave_the_first_of_a_kind_alone():
    assert stable_keys(["x", "y", "x", "x"]) == ["x", "y", "xb", "xc"]
