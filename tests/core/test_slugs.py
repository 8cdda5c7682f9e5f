"""Slugs made on first save: unique among the model's rows, found with one query however
many namesakes there are."""

import pytest

from core.models import unique_slug
from profiles.models import Researcher
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
