"""Interests under interests and events under events: no cycles, a bounded depth, and a
page that draws a tree by recursion never meets a deeper one."""

import pytest
from django.core.exceptions import ValidationError

from core.models import MAX_TREE_DEPTH
from cv.models import ResearchInterest
from events.models import Event
from tests import factories as f

pytestmark = pytest.mark.django_db


def chain(factory, levels, **fields):
    """``levels`` rows, each under the one before, written past clean() as a script could."""
    rows = [factory(**fields)]
    for _ in range(levels - 1):
        rows.append(factory(parent=rows[-1], **fields))
    return rows


@pytest.mark.parametrize("model", [ResearchInterest, Event])
def test_a_parent_chain_deeper_than_the_limit_is_refused(model):
    researcher = f.ResearcherFactory()
    fields = {"researcher": researcher} if model is ResearchInterest else {}
    factory = f.ResearchInterestFactory if model is ResearchInterest else f.EventFactory
    rows = chain(factory, MAX_TREE_DEPTH, **fields)
    rows[-1].full_clean()

    deeper = factory.build(parent=rows[-1], **fields)
    with pytest.raises(ValidationError) as refused:
        deeper.full_clean(exclude=["slug"])
    assert f"At most {MAX_TREE_DEPTH} levels" in str(refused.value.message_dict["parent"])


@pytest.mark.parametrize("model", [ResearchInterest, Event])
def test_a_cycle_of_parents_is_refused(model):
    researcher = f.ResearcherFactory()
    fields = {"researcher": researcher} if model is ResearchInterest else {}
    factory = f.ResearchInterestFactory if model is ResearchInterest else f.EventFactory
    top, _, bottom = chain(factory, 3, **fields)

    top.parent = bottom
    with pytest.raises(ValidationError) as refused:
        top.full_clean()
    assert "inside itself" in str(refused.value.message_dict["parent"])


def test_a_tree_deeper_than_the_limit_is_published_to_the_limit_and_its_page_renders(client):
    researcher = f.ResearcherFactory(is_member=True, slug="deep")
    rows = chain(f.ResearchInterestFactory, 100, researcher=researcher)

    published = set(ResearchInterest.objects.published().values_list("pk", flat=True))

    assert published == {row.pk for row in rows[:MAX_TREE_DEPTH]}
    for path in ("/people/deep/", "/people/deep/cv/", "/api/v1/researchers/deep/"):
        assert client.get(path).status_code == 200, path
