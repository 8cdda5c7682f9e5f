"""The process's memory in front of the page cache (CACHES["pages-local"], "page-routes")."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ObjectMemoryCache(LocMemCache):
    """Django's local-memory cache keeping values as given, not pickled: a hit gets the
    stored object itself, with no copy to make (unpickling a 1 MB page cost a hit more than
    the rest of its lookup). So it holds only what no one changes, such as the page cache's
    answers (tuples of bytes and strings, in core.cache.Held). Any key is taken, as nothing
    but this process reads them: the page cache's hold a path and query string of any
    length."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value

    def validate_key(self, key):
        """Any key: the checks are for memcached's limits."""
