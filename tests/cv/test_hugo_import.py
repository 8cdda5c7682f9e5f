"""import_hugo: a Hugo Blox / Wowchemy site's owner and papers; the front matter over
cite.bib; awkward real-world pages; a second import changes nothing."""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from profiles.models import Education, Position, Researcher
from publications.models import Authorship, Publication
from tests.cv.test_profile_import import CORPUS, counts

DATA = Path(__file__).parent / "data"


def run(site, *args):
    out, err = StringIO(), StringIO()
    call_command("import_hugo", str(site), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def starter(tmp_path):
    """The Hugo Blox Academic CV starter's own files, laid out as in its repository."""
    site = tmp_path / "site"
    for name in ("conference-paper", "journal-article", "preprint"):
        folder = site / "content" / "publications" / name
        folder.mkdir(parents=True)
        shutil.copyfile(CORPUS / f"hugoblox_pub_{name}_index.md", folder / "index.md")
        bib = CORPUS / f"hugoblox_pub_{name}_cite.bib"
        if bib.exists():
            shutil.copyfile(bib, folder / "cite.bib")
    (site / "data" / "authors").mkdir(parents=True)
    shutil.copyfile(CORPUS / "hugoblox_data_authors_me.yaml", site / "data/authors/me.yaml")
    return site


@pytest.mark.django_db
def test_the_hugo_blox_starter_imports_whole_and_again_changes_nothing(starter):
    out, err = run(starter)

    me = Researcher.objects.get(full_name="Alex Johnson")
    assert me.is_member and (me.given_name, me.family_name) == ("Alex", "Johnson")
    assert me.headline == "Senior AI Research Scientist"
    assert me.bio.startswith("Alex Johnson is a Senior AI Research Scientist at Meta AI.")
    assert me.email == "alex.johnson@example.com"
    assert (me.github, me.orcid) == ("example", "0000-0002-1825-0097")
    links = me.sections.get(title="Links").body
    assert "https://x.com/example" in links and "linkedin.com/in/example" in links
    meta = me.positions.get(organization__name="Meta AI")
    assert meta.title == "Senior AI Research Scientist" and meta.end_date is None
    assert "Llama 2" in meta.description
    assert me.positions.get(organization__name="OpenAI").end_date == datetime.date(2019, 12, 31)
    assert me.positions.count() == 2  # the Meta AI affiliation is the current position
    phd = me.education.get(degree=Education.Degree.PHD)
    assert phd.institution.name == "Stanford University"
    assert (phd.start_date, phd.end_date) == (datetime.date(2015, 9, 1), datetime.date(2019, 6, 30))
    assert "scaling laws" in phd.description
    assert me.education.count() == 3
    assert list(me.interests.values_list("title", flat=True)) == [
        "Large Language Models",
        "Computer Vision",
        "Reinforcement Learning",
        "AI Ethics",
    ]
    award = me.awards.get()
    assert (award.title, award.issuer.name) == ("Best Paper Award", "NeurIPS")
    assert "efficient training" in award.description
    assert me.sections.get(title="Languages").body == "- English (Native)\n- Spanish (Fluent)"
    assert "**Technical Skills**: Python, Machine Learning" in me.sections.get(title="Skills").body

    conference = Publication.objects.get(title="An example conference paper")
    assert conference.kind == "conference" and conference.year == 2013 and conference.month == 7
    assert conference.venue.name == "HugoBlox Kit Conference"  # the front matter's
    assert conference.venue_abbr == "ICW" and conference.pages == "1-6"  # cite.bib's
    assert conference.doi == "10.5555/123456" and conference.featured is True
    assert conference.keywords == ["Large Language Models"]
    assert conference.code_url == "https://github.com/HugoBlox/kit"
    assert conference.links["slides"] == "https://www.slideshare.net/"
    assert conference.links["dataset"] == "https://github.com/HugoBlox/kit"
    assert conference.extra_fields["projects"] == "example"
    assert conference.abstract.startswith("Lorem ipsum dolor sit amet")
    byline = list(conference.authorships.order_by("position"))
    assert byline[0].researcher == me
    assert byline[1].researcher.full_name == "Robert Ford"
    assert [a.equal_contribution for a in byline] == [True, True]
    journal = Publication.objects.get(title="An example journal article")
    assert journal.kind == "article" and journal.venue.name == "Journal of Source Themes"
    assert (journal.volume, journal.issue) == ("1", "1")
    assert journal.arxiv_id == "1512.04133" and journal.featured is False
    assert journal.pdf_url == "http://arxiv.org/pdf/1512.04133v1"
    preprint = Publication.objects.get(title="An example preprint / working paper")
    assert preprint.kind == "preprint" and preprint.year == 2019 and preprint.featured
    assert preprint.links["Custom Link"] == "http://example.org"
    assert "#" not in preprint.links.values()  # placeholders are no links
    assert list(preprint.authors.all()) == [me]
    assert "publications/journal-article has it too" in err  # the sample's shared arXiv id
    assert "3 papers were created" in out

    before = counts()
    again, _ = run(starter)
    assert counts() == before
    assert "created 0, updated 0" in again and "0 papers were created, 0 updated" in again


@pytest.mark.django_db
def test_an_old_wowchemy_site_with_awkward_pages():
    site = DATA / "wowchemy"
    _, err = run(site)

    me = Researcher.objects.get(full_name="Maria Okafor")
    assert me.bio == "Maria Okafor studies **Bayesian** methods for time-to-event data."
    assert me.headline == "Assistant Professor of Statistics"
    assert me.role == Researcher.Role.FACULTY
    assert (me.google_scholar_id, me.github) == ("AbCdEfGhIjKl", "mokafor")
    assert me.email == "m.okafor@example.edu"
    assert "twitter.com/mokafor_stats" in me.sections.get(title="Links").body
    lagos = me.positions.get(kind=Position.Kind.AFFILIATION)
    assert lagos.organization.url == "https://unilag.edu.ng/"
    phd = me.education.get(degree=Education.Degree.PHD)
    assert phd.institution.name == "University of Cape Town" and phd.end_date.year == 2017

    toml = Publication.objects.get(title="Weights that balance confounders for hazard ratios")
    assert toml.kind == "article" and (toml.year, toml.month) == (2023, 1)
    assert toml.venue.name == "Statistical Methods in Medical Research"
    assert (toml.volume, toml.issue) == ("32", "4") and toml.pages
    assert toml.venue_abbr == "SMMR" and toml.featured is True  # Academic's "selected"
    assert toml.doi == "10.1177/0962280222_1145"  # Markdown's \_ undone
    assert toml.keywords == ["causal inference", "survival"]
    assert toml.pdf_url == "https://example.org/okafor2023.pdf"
    assert toml.links["video"] == "https://youtube.com/watch?v=abc"
    assert "slides" not in toml.links and "dataset" not in toml.links
    byline = list(toml.authorships.order_by("position"))
    assert byline[0].researcher == me  # "**admin**": the owner, in bold
    assert byline[1].researcher.full_name == "R. Izbicki"  # "Izbicki, R."
    assert byline[2].researcher.full_name == "Chiu WA" and byline[2].equal_contribution

    bib = Publication.objects.get(title="Frailty models at scale")  # the front matter's case
    assert bib.kind == "conference" and bib.year == 2021
    # "Proceedings of the 38th International Conference on Machine Learning" is ICML's alias.
    assert (bib.venue.name, bib.venue.short_name) == (
        "International Conference on Machine Learning",
        "ICML",
    )
    assert bib.venue_abbr == "ICML 2021"
    assert bib.abstract == "We fit frailty models to millions of records."  # cite.bib's
    assert bib.publisher == "PMLR" and bib.pages == "1001-1010"
    assert bib.links["pdf"] == "publication/frailty.pdf"  # relative, kept as given
    assert bib.extra_fields["projects"] == "bayes-surv"
    frailty = list(bib.authorships.order_by("position"))
    assert frailty[1].researcher == me
    assert frailty[0].equal_contribution and frailty[1].corresponding

    assert "publication/broken-yaml: the front matter is not valid YAML" in err
    assert "publication/no-date: no date" in err
    assert Publication.objects.count() == 2
    before = counts()
    again, _ = run(site)
    assert counts() == before and "0 papers were created, 0 updated" in again


@pytest.mark.django_db
def test_strict_refuses_a_site_with_a_bad_page():
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(DATA / "wowchemy", "--strict")
    assert counts() == before


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    before = counts()
    out, _ = run(DATA / "wowchemy", "--dry-run")
    assert "2 papers would be created" in out
    assert counts() == before


@pytest.mark.django_db
def test_a_site_without_an_owner_needs_the_researcher(tmp_path):
    folder = tmp_path / "content" / "publication" / "p"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        '---\ntitle: "Alone"\nauthors: [admin, B Cole]\ndate: 2020-01-05\n---\n'
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_hugo", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "no owner's profile" in err.getvalue()

    person = Researcher.objects.create(full_name="Ada Cole", is_member=True)
    run(tmp_path, "--researcher", person.slug)
    paper = Publication.objects.get(title="Alone")
    assert paper.authorships.get(position=1).researcher == person
    assert Authorship.objects.get(publication=paper, position=2).researcher.full_name == "B Cole"


@pytest.mark.django_db
@pytest.mark.parametrize("layout", ["missing", "no-content"])
def test_not_a_hugo_site_is_refused(tmp_path, layout):
    site = tmp_path / "nothing" if layout == "missing" else tmp_path
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_hugo", str(site), stdout=StringIO(), stderr=err)
    assert "is not a folder" in err.getvalue() or "has no content/ folder" in err.getvalue()
