"""A switch for the search-vector updates (the apps' signal handlers, and a researcher's
renaming) during bulk loads.

Per-row vector updates cost a query or more for every saved row; a bulk load such as
``loaddemo`` turns them off and rebuilds the vectors once at the end instead.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_deferred = ContextVar("search_updates_deferred", default=False)


def updates_deferred() -> bool:
    return _deferred.get()


@contextmanager
def deferred_search_updates():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
