"""import_coauthors: al-folio's _data/coauthors.yml links the co-authors already on the
site to their pages and teaches the site their spellings; it creates nobody."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from profiles.models import Researcher
from tests import factories as f
from tests.cv.test_profile_import import CORPUS

pytestmark = pytest.mark.django_db


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_coauthors", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_alfolio_sample_links_the_coauthors_on_the_site_and_again_changes_nothing():
    rosen = f.ResearcherFactory(full_name="Nathan Rosen", given_name="Nathan", family_name="Rosen")
    schrodinger = f.ResearcherFactory(full_name="Erwin Schrödinger")
    keeps = f.ResearcherFactory(full_name="B. Podolsky", homepage="https://example.org/bp")
    people = Researcher.objects.count()

    out, err = run(CORPUS / "alfolio_coauthors.yml")

    rosen.refresh_from_db(), schrodinger.refresh_from_db(), keeps.refresh_from_db()
    assert rosen.homepage == "https://en.wikipedia.org/wiki/Nathan_Rosen"
    assert rosen.name_variants == ["N. Rosen"]
    # al-folio's key is the family name without its accent.
    assert schrodinger.homepage == "https://en.wikipedia.org/wiki/Erwin_Schr%C3%B6dinger"
    assert keeps.homepage == "https://example.org/bp"  # an editor's page stays
    assert "Boris Podolsky" in keeps.name_variants
    assert Researcher.objects.count() == people
    assert "Co-authors: 3 linked, 0 unchanged" in out
    assert "not found: Edwin Adams" in err

    again, _ = run(CORPUS / "alfolio_coauthors.yml")
    assert "Co-authors: 0 linked, 3 unchanged" in again


def test_two_people_of_one_spelling_are_left_alone_as_ambiguous(tmp_path):
    first = f.ResearcherFactory(full_name="Ying Zhang")
    f.ResearcherFactory(full_name="Ying Zhang")
    path = tmp_path / "coauthors.yml"
    path.write_text('"zhang":\n  - firstname: ["Ying"]\n    url: https://example.org/yz\n')
    _, err = run(path)
    first.refresh_from_db()
    assert first.homepage == "" and "not found: Ying Zhang (ambiguous)" in err


def test_dry_run_writes_nothing():
    rosen = f.ResearcherFactory(full_name="Nathan Rosen")
    out, _ = run(CORPUS / "alfolio_coauthors.yml", "--dry-run")
    rosen.refresh_from_db()
    assert rosen.homepage == "" and "1 would be linked" in out


ROSEN = '"rosen":\n  - firstname: ["Nathan"]\n    url: https://example.org/rosen\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- just a list\n", "not a coauthors.yml"),
        (ROSEN + '"x":\n  - url: https://example.org\n', "x, co-author 1: no firstname"),
        (ROSEN + '"x":\n  - firstname: ["A"]\n    url: javascript:alert(1)\n', "is not a link"),
        (ROSEN + '"x": [\n', "not valid YAML"),
    ],
)
def test_a_bad_file_names_the_problem_and_writes_nothing(tmp_path, content, message):
    rosen = f.ResearcherFactory(full_name="Nathan Rosen")
    path = tmp_path / "coauthors.yml"
    path.write_text(content)
    err = StringIO()
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import_coauthors", str(path), stdout=StringIO(), stderr=err)
    rosen.refresh_from_db()
    assert message in err.getvalue() and rosen.homepage == ""
