"""Interests, awards and service moved from profiles to cv without touching their tables:
a database migrated before the move keeps its rows, and their content types (which
permissions, revisions and seed records point at) follow them to cv."""

from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.changes import content_saved, remember_state
from cv.models import Award as MovedAward

BEFORE = [("profiles", "0008_searched_text_limit"), ("cv", None)]
MOVED = ["researchinterest", "award", "service"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@contextmanager
def pages_not_retired():
    """Today's models saved into an older schema: the handlers that retire cached pages
    look up today's tables (a paper's grants), which that schema does not have yet."""
    handlers = [
        (pre_save, remember_state, "content_version_before_save"),
        (post_save, content_saved, "content_version_save"),
        (post_delete, content_saved, "content_version_delete"),
        (m2m_changed, content_saved, "content_version_m2m"),
    ]
    for signal, _, uid in handlers:
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, handler, uid in handlers:
            signal.connect(handler, dispatch_uid=uid)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_entries_and_their_content_types():
    migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE[0]]).apps
        Award = old.get_model("profiles", "Award")
        Researcher = old.get_model("profiles", "Researcher")
        researcher = Researcher.objects.create(full_name="Ada Lovelace", slug="ada-lovelace")
        award = Award.objects.create(researcher_id=researcher.pk, title="Prize")
        ContentType.objects.clear_cache()
        ids = {
            ContentType.objects.get_or_create(app_label="profiles", model=model)[0].pk
            for model in MOVED
        }
    finally:
        migrate(latest())
    ContentType.objects.clear_cache()
    moved = ContentType.objects.filter(model__in=MOVED)
    assert {(ct.app_label, ct.pk) for ct in moved} == {("cv", pk) for pk in ids}
    assert MovedAward.objects.get(pk=award.pk).title == "Prize"


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_stored_figures_has_them_filled_in():
    from cv.models import ResearcherFigures
    from tests.factories import AuthorshipFactory, ResearcherFactory

    migrate([("cv", "0004_award_url")])
    try:
        # Written while no trigger counts them; today's models fit the other apps' tables.
        with pages_not_retired():
            ann, bob = ResearcherFactory(), ResearcherFactory()
            paper = AuthorshipFactory(researcher=ann, publication__citation_count=11).publication
            AuthorshipFactory(researcher=bob, publication=paper)
            AuthorshipFactory(researcher=ann, publication__visibility="hidden")
    finally:
        migrate(latest())
    figures = ResearcherFigures.objects.get(researcher=ann)
    assert (figures.papers, figures.citations, figures.i10_index, figures.coauthor_count) == (
        1,
        11,
        1,
        1,
    )
    AuthorshipFactory(researcher=bob)  # and the triggers are in place
    assert ResearcherFigures.objects.get(researcher=bob).papers == 2
