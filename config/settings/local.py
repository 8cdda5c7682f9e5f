"""A developer's machine: ``.env`` at the repository's root fills in what the environment
does not set (``make run`` writes one with DEBUG on and a generated key, and never
overwrites it), so every ``manage.py`` command works without exporting anything."""

from dotenv import load_dotenv

from config.settings import DOTENV

load_dotenv(DOTENV)  # before base reads the environment; variables already set win

from config.settings.base import *  # noqa: E402

DEBUG = env_bool("DEBUG", default=True)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        f"SECRET_KEY is not set: `make run` writes one to {DOTENV}, or set it there yourself."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS)
