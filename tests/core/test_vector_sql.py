"""update_search_vector() runs each model's search vector expression compiled once per
process (core.search.CompiledOnce): it must store what the plain ORM update of that
expression stores, in either language, whichever language compiled it first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.search import CompiledOnce
from events.models import Talk
from profiles.models import Researcher
from publications.models import Publication
from tests.factories import (
    AuthorshipFactory,
    EventFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def chinese_researcher():
    return ResearcherFactory(
        full_name="Zhiwei Bai",
        native_name="白志威",
        name_variants=["Z. Bai"],
        headline_en="Ph.D. Student in Mathematics",
        headline_zh_hans="数学博士生",
        bio_en="Studies the condensation of neural networks.",
        bio_zh_hans="研究神经网络的凝聚现象。",
    )


def paper():
    publication = PublicationFactory(
        title="Embedding Principle of Loss Landscape",
        abstract="Deep networks' critical points embed.",
        keywords=["loss landscape", "Schrödinger"],
        venue_detail="Vol. 3",
    )
    AuthorshipFactory(publication=publication, researcher=chinese_researcher(), position=1)
    AuthorshipFactory(publication=publication, printed_name="Erdős Pál", position=2)
    return publication


def talk():
    event = EventFactory(name="Workshop on Theory", parent=EventFactory(name="Summer School"))
    given = TalkFactory(
        event=event,
        title_en="Condensation in deep learning",
        title_zh_hans="深度学习中的凝聚现象",
        abstract_en="Why networks condense.",
        abstract_zh_hans="网络为何凝聚。",
        room="Room 101",
        location="Shanghai",
    )
    TalkSpeakerFactory(talk=given, researcher=chinese_researcher(), position=1)
    return given


def stored(model, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_vector::text FROM {model._meta.db_table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def update_sql(queryset) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        count = queryset.update_search_vector()
    (query,) = queries.captured_queries
    return query["sql"], count


@pytest.mark.parametrize(
    ("model", "make"), [(Publication, paper), (Talk, talk), (Researcher, chinese_researcher)]
)
def test_compiled_once_stores_what_the_expression_does(model, make, monkeypatch):
    row = make()
    rows = model.objects.filter(pk=row.pk)
    compiled = {}
    for language in ("zh-hans", "en"):
        monkeypatch.setattr(CompiledOnce, "_compiled", {})
        with translation.override(language):
            compiled[language], count = update_sql(rows)
            assert count == 1
            fast = stored(model, row.pk)
            rows.update(search_vector=None)
            rows.update(search_vector=model.objects.search_vector())
        assert fast and stored(model, row.pk) == fast
    assert compiled["zh-hans"] == compiled["en"]
    with translation.override("zh-hans"):  # compiled under English just above
        assert update_sql(rows)[0] == compiled["en"]


def test_the_chinese_texts_are_in_the_vectors():
    given = talk()
    assert "'凝'" in stored(Talk, given.pk)
    person = Researcher.objects.get(native_name="白志威")
    assert "'博'" in stored(Researcher, person.pk)
    assert "'白志威'" in stored(Researcher, person.pk)


def test_a_queryset_of_many_rows_and_joins_updates_each():
    first, second = talk(), talk()
    Talk.objects.update(search_vector=None)
    updated = Talk.objects.filter(event__parent__name="Summer School").update_search_vector()
    assert updated == 2
    assert stored(Talk, first.pk) and stored(Talk, second.pk)
