"""The process's memory in front of the page cache: Django's local-memory cache, keeping
values as given instead of pickled copies."""

import warnings

import pytest

from core.local_cache import ObjectMemoryCache


@pytest.fixture
def memory():
    cache = ObjectMemoryCache("test-object-memory", {"OPTIONS": {"MAX_ENTRIES": 3}})
    cache.clear()
    yield cache
    cache.clear()


def test_a_value_comes_back_as_the_object_stored(memory):
    page = (200, (("Content-Type", "text/html"),), b"<p>page</p>")
    memory.set("page", page)

    assert memory.get("page") is page
    assert memory.add("page", "other") is False and memory.get("page") is page


def test_what_pickle_refuses_is_kept(memory):
    unpicklable = lambda: "made here"  # noqa: E731

    assert memory.add("made", unpicklable) is True
    assert memory.get("made")() == "made here"


def test_an_entry_expires_and_the_oldest_make_room(memory):
    memory.set("gone", "soon", timeout=-1)
    assert memory.get("gone") is None

    for n in range(5):
        memory.set(f"page-{n}", n)
    assert memory.get("page-4") == 4
    assert len(memory._cache) <= 3


def test_counters_count(memory):
    memory.set("hits", 1)

    assert memory.incr("hits") == 2 and memory.get("hits") == 2
    with pytest.raises(ValueError):
        memory.incr("missing")


def test_any_key_is_taken_without_warning(memory):
    key = "http://127.0.0.1/search/?q=" + "spectral bias " * 30

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        memory.set(key, "found")
        assert memory.get(key) == "found"
