import pytest

from core.changes import content_changed, one_content_change, read_version

pytestmark = pytest.mark.django_db


def version() -> int:
    return read_version("default").number


def test_a_change_outside_a_batch_counts_at_once():
    before = version()
    content_changed()
    content_changed()
    assert version() == before + 2


def test_changes_in_a_batch_count_once_at_its_end():
    before = version()
    with one_content_change():
        content_changed()
        content_changed()
        assert version() == before
    assert version() == before + 1


def test_a_batch_inside_a_batch_counts_with_the_outer_one():
    before = version()
    with one_content_change():
        with one_content_change():
            content_changed()
        content_changed()
        assert version() == before
    assert version() == before + 1


def test_a_batch_without_changes_counts_nothing():
    before = version()
    with one_content_change():
        pass
    assert version() == before
