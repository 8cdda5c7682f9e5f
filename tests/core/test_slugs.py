"""Slugs made on first save: unique among the model's rows, found with one query however
many namesakes there are."""

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from core.models import SLUG_BASE_LENGTH, slug_base, unique_slug
from profiles.models import Researcher
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_namesakes_get_the_next_free_number():
    slugs = [f.ResearcherFactory(full_name="Wei Zhang", slug="").slug for _ in range(3)]
    assert slugs == ["wei-zhang", "wei-zhang-2", "wei-zhang-3"]


def test_a_freed_number_is_taken_again_and_lookalikes_do_not_count():
    for slug in ["wei-zhang", "wei-zhang-2", "wei-zhang-4", "wei-zhang-junior", "wei-zhang-2x"]:
        f.ResearcherFactory(full_name="Wei Zhang", slug=slug)
    assert unique_slug(Researcher(full_name="Wei Zhang"), "Wei Zhang") == "wei-zhang-3"


def test_a_row_keeps_its_own_slug_when_it_is_asked_again():
    researcher = f.ResearcherFactory(full_name="Wei Zhang", slug="")
    assert unique_slug(researcher, "Wei Zhang") == "wei-zhang"


def test_one_query_however_many_namesakes(django_assert_num_queries):
    Researcher.objects.bulk_create(
        [Researcher(full_name="Wei Zhang", slug=f"wei-zhang-{n}") for n in range(2, 300)]
        + [Researcher(full_name="Wei Zhang", slug="wei-zhang")]
    )
    with django_assert_num_queries(1):
        assert unique_slug(Researcher(full_name="Wei Zhang"), "Wei Zhang") == "wei-zhang-300"


# From titles with math ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (r"Sharp $\ell_1$ bounds for sparse recovery", "sharp-l1-bounds-for-sparse-recovery"),
        (r"Adam with $\beta_2$ close to one", "adam-with-2-close-to-one"),
        (r"Rates in $\mathcal{O}(\log T)$", "rates-in-olog-t"),
        (r"On $\mathbb{R}^{10}$ and $x^{2}$", "on-r10-and-x2"),
        ("A_plain title with an underscore", "a-plain-title-with-an-underscore"),
        (r"\$5 and no math", "5-and-no-math"),
    ],
)
def test_a_title_slug_has_no_latex_command_names(title, slug):
    assert slug_base(title) == slug
    assert "ell" not in slug_base(title) and "mathcal" not in slug_base(title)


def test_a_long_title_is_cut_at_a_word():
    title = "Implicit regularization of gradient descent in overparameterized networks"
    slug = slug_base(title)
    assert slugify(title)[:SLUG_BASE_LENGTH].endswith("-netwo")  # a plain cut splits a word
    assert slug == "implicit-regularization-of-gradient-descent-in-overparameterized"


def test_one_long_word_is_cut_where_it_must_be():
    assert slug_base("x" * 100) == "x" * SLUG_BASE_LENGTH


def test_a_new_paper_gets_the_clean_slug_and_an_edit_keeps_it():
    paper = f.PublicationFactory(title=r"Sharp $\ell_1$ bounds", slug="")
    assert paper.slug == "sharp-l1-bounds"
    paper.title = "A different title"
    paper.save()
    paper.refresh_from_db()
    assert paper.slug == "sharp-l1-bounds"  # a URL, once given, stays


def test_an_existing_slug_from_before_is_left_alone():
    paper = f.PublicationFactory(title=r"Sharp $\ell_1$ bounds", slug="sharp-ell_1-bounds")
    paper.save()
    paper.refresh_from_db()
    assert paper.slug == "sharp-ell_1-bounds"


def test_an_imported_paper_gets_the_clean_slug(tmp_path):
    bib = tmp_path / "math.bib"
    bib.write_text(
        "@article{a, title={Sharp $\\ell_1$ bounds}, author={Bai, Zhiwei}, year={2024}}\n"
    )
    call_command("import_bibtex", str(bib), verbosity=0)
    assert Publication.objects.get().slug == "sharp-l1-bounds"
