"""The suite (pyproject.toml's pytest settings, and the commands the tests start): a fixed
key, local hosts, and a fast password hasher, as no test needs a slow one."""

from config.settings.base import *

SECRET_KEY = SECRET_KEY or "insecure-test-key-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not REDIS_URL:
    # Each test empties the caches (tests/conftest.py); a shared table would outlive a flush.
    CACHES["pages"] = {"BACKEND": LOCAL_MEMORY, "LOCATION": "pages-shared"}
# A page is made anew on the request after an edit, as the cache tests expect, whatever
# the environment says; the grace has tests of its own (tests/core/test_cache.py).
PAGE_CACHE_GRACE_SECONDS = 0
