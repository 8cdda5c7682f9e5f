"""Hostile BibTeX: each is refused by entry or field, by the command (exit 1) and in the admin
(200 with the problem), with nothing written; ``#`` concatenation is expanded as BibTeX does."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.validators import MAX_SEARCHED_TEXT
from publications import admin_import
from publications.bibtex_reader import MAX_NESTING, read_bibtex
from publications.importer import Importer
from publications.models import Publication
from publications.records import Deadline, ImportProblem
from tests.publications.test_import import IMPORT_URL, counts


def entry(key="k", title="{A title}", author="{Xu, Zhiqin}", extra=""):
    return (
        f"@article{{{key},\n  title = {title},\n  author = {author},\n  year = 2020,{extra}\n}}\n"
    )


def problems(text: str) -> list[str]:
    with pytest.raises(ImportProblem) as refused:
        read_bibtex(text)
    return refused.value.problems


DEEP_BRACES = entry("deep", title="{" + "{" * 5000 + "x" + "}" * 5000 + "}")
DEEP_ENVIRONMENTS = entry(
    "envs", title="{" + r"\begin{itemize}" * 3000 + "x" + r"\end{itemize}" * 3000 + "}"
)
DOUBLING = (
    '@string{m0 = "xx"}\n'
    + "".join(f"@string{{m{n} = m{n - 1} # m{n - 1}}}\n" for n in range(1, 40))
    + entry(title="m39")
)
LONG_ABSTRACT = entry(
    "long", extra="\n  abstract = {" + " ".join(f"w{n}" for n in range(10_000)) + "}"
)


def test_braces_nested_past_the_limit_name_the_entry_and_field():
    assert problems(DEEP_BRACES) == [
        f"line 1, entry deep: the title nests braces more than {MAX_NESTING} levels deep"
    ]


def test_braces_nested_to_the_limit_are_read():
    nested = "{" * MAX_NESTING + "x" + "}" * MAX_NESTING
    assert read_bibtex(entry(title=nested))[0].title == "x"


def test_environments_nested_too_deep_for_latex_decoding_name_the_entry():
    assert problems(DEEP_ENVIRONMENTS) == [
        "line 1, entry envs: the title nests LaTeX too deeply to read"
    ]


def test_braces_nested_deep_in_an_author_name_the_entry():
    deep = "{" * 300 + "Xu" + "}" * 300
    assert problems(entry("a", author="{" + deep + "}")) == [
        f"line 1, entry a: the author nests braces more than {MAX_NESTING} levels deep"
    ]


def test_concatenation_is_expanded_as_bibtex_does():
    text = (
        '@string{jof = "Journal of "}\n'
        '@string{jml = jof # "Machine Learning"}\n'
        + entry(title='"On " # jof # {{F}ourier}', extra="\n  journal = jml # { Research},")
        + entry("later", extra="\n  journal = defined # {, Series B},\n  month = oct,")
        + "@string{defined = {Later}}\n"
    )

    first, later = read_bibtex(text)

    assert first.title == "On Journal of Fourier"
    assert first.venue == "Journal of Machine Learning Research"
    assert (later.venue, later.month) == ("Later, Series B", 10)


def test_a_concatenation_that_does_not_join_is_named():
    assert problems(entry(title="{A} # ")) == [
        "line 1, entry k: the title cannot be read: it ends with #"
    ]


def test_an_exponential_macro_is_refused_by_name_before_it_grows():
    assert problems(DOUBLING) == [
        "line 17, @string m16: the macro m16 expands to more than 100,000 characters",
        "line 41, entry k: no title",
    ]


@pytest.mark.parametrize(
    "author, problem",
    [
        ("{Xu, Zhiqin and  and Luo, Tao}", "author 2 of 3 is blank"),
        ("{and Xu, Zhiqin}", "author 1 of 2 is blank"),
        ("{Xu, Zhiqin and {} and others}", "author 2 of 2 is blank"),
        ("{ and  and }", "no authors"),
        ("{}", "no authors"),
        ("{others}", "no authors"),
    ],
)
def test_blank_authors_are_refused_with_the_entry(author, problem):
    (found,) = problems(entry(author=author))
    assert found.startswith(f"line 1, entry k: {problem}")


def test_a_paper_without_an_author_field_is_refused():
    assert problems("@article{k, title = {A}, year = 2020}") == ["line 1, entry k: no authors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, problem",
    [
        (DEEP_BRACES, "entry deep: the title nests braces"),
        (entry(author="{Xu, Zhiqin and and Luo, Tao}"), "entry k: author 2 of 3 is blank"),
    ],
)
def test_the_command_skips_the_entry_with_its_problem(tmp_path, capsys, text, problem):
    path = tmp_path / "hostile.bib"
    path.write_text(text + entry("fine", title="{Fine}"))

    call_command("import_bibtex", str(path))

    out, err = capsys.readouterr()
    assert f"skipped: line 1, {problem}" in err
    assert "1 papers were created, 0 updated, 0 unchanged, 1 skipped" in out
    assert list(Publication.objects.values_list("title", flat=True)) == ["Fine"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, problem",
    [
        (DEEP_BRACES, "entry deep: the title nests braces"),
        (DOUBLING, "@string m16: the macro m16 expands to more than 100,000 characters"),
        (entry(author="{Xu, Zhiqin and and Luo, Tao}"), "entry k: author 2 of 3 is blank"),
    ],
)
def test_the_strict_command_names_the_problem_and_writes_nothing(tmp_path, capsys, text, problem):
    path = tmp_path / "hostile.bib"
    path.write_text(text + entry("fine", title="{Fine}"))
    before = counts()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_bibtex", str(path), "--strict")

    assert problem in capsys.readouterr().err
    assert counts() == before


@pytest.mark.django_db
def test_an_abstract_too_long_to_search_is_kept_as_written_with_a_warning(tmp_path, capsys):
    path = tmp_path / "long.bib"
    path.write_text(LONG_ABSTRACT)

    call_command("import_bibtex", str(path))

    paper = Publication.objects.get()
    assert paper.abstract == ""
    assert paper.extra_fields["abstract"].startswith("w0 w1 w2")
    err = capsys.readouterr().err
    assert (
        f"line 1, entry long, field abstract: Ensure this value has at most {MAX_SEARCHED_TEXT} "
        "characters"
    ) in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, problem",
    [
        (DEEP_BRACES, "entry deep: the title nests braces"),
        (DEEP_ENVIRONMENTS, "entry envs: the title nests LaTeX too deeply"),
        (entry(author="{ and }"), "entry k: no authors"),
    ],
)
def test_the_admin_lists_the_entry_it_leaves_out(admin_client, text, problem):
    before = counts()
    response = admin_client.post(IMPORT_URL, {"file": upload(text)})

    assert response.status_code == 200
    report = response.context["report"]
    assert problem in "\n".join(report.skipped)
    assert problem in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, problem",
    [
        (DEEP_BRACES, "entry deep: the title nests braces"),
        (DOUBLING, "@string m16: the macro m16 expands"),
    ],
)
def test_the_strict_admin_names_the_problem_and_writes_nothing(admin_client, text, problem):
    before = counts()
    response = admin_client.post(IMPORT_URL, {"file": upload(text), "strict": "on"})

    assert response.status_code == 200
    assert problem in "\n".join(response.context["problems"])
    assert "report" not in response.context
    assert counts() == before


def upload(text: str, name="refs.bib"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/x-bibtex")


@pytest.mark.django_db
def test_the_admin_states_its_limits(admin_client):
    page = admin_client.get(IMPORT_URL).content.decode()
    assert "at most 1 MB and 500 entries" in page
    assert "stop after 30 seconds" in page


@pytest.mark.django_db
def test_a_file_over_the_admins_entry_limit_is_a_form_error(admin_client):
    text = "".join(entry(f"k{n}", title=f"{{Paper {n}}}") for n in range(501))
    response = admin_client.post(IMPORT_URL, {"file": upload(text)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file has 501 entries; 500 at most here. manage.py import_bibtex takes any number."
    ]
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_admins_size_limit_is_a_form_error(admin_client):
    text = entry(extra="\n  note = {" + "x" * 2**20 + "}")
    response = admin_client.post(IMPORT_URL, {"file": upload(text)})

    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.endswith("bytes; 1 MB at most here (manage.py import_bibtex takes any size).")


@pytest.mark.django_db
def test_an_import_past_its_deadline_stops_and_writes_nothing():
    before = counts()
    with pytest.raises(ImportProblem, match="longer than 0 seconds; nothing was imported"):
        Importer().run(read_bibtex(entry()), deadline=Deadline(0))
    assert counts() == before


@pytest.mark.django_db
def test_the_admin_preview_past_its_deadline_says_so(admin_client, monkeypatch):
    monkeypatch.setattr(admin_import, "IMPORT_SECONDS", 0)
    response = admin_client.post(IMPORT_URL, {"file": upload(entry())})

    assert response.status_code == 200
    assert "longer than 0 seconds" in response.context["problems"][0]
    assert not Publication.objects.exists()


def test_the_admin_limits_end_inside_the_gunicorn_timeout():
    dockerfile = (Path(__file__).parents[2] / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    timeout = int(command[command.index("--timeout") + 1])

    assert timeout > admin_import.FETCH_SECONDS + admin_import.IMPORT_SECONDS
