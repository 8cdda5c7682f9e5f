"""Settings, one module per purpose, chosen by DJANGO_SETTINGS_MODULE:

- ``base``: what every run shares, each knob read from the environment;
- ``local``: a developer's machine: the repository's ``.env`` under the environment
  (``make run`` writes it on first use), DEBUG on, answering on localhost;
- ``production``: the environment alone; a SECRET_KEY and ALLOWED_HOSTS required, HTTPS,
  HSTS, secure cookies, hashed static files;
- ``test``: the suite (pyproject.toml names it): a fixed key, fast password hashing.
"""

from pathlib import Path

from dotenv import dotenv_values

DOTENV = Path(__file__).resolve().parents[2] / ".env"


def settings_module() -> str:
    """The module manage.py and wsgi.py load when DJANGO_SETTINGS_MODULE is not in the
    environment: the one .env names, else production, so that nothing forgotten ever
    serves the site with DEBUG on."""
    return dotenv_values(DOTENV).get("DJANGO_SETTINGS_MODULE") or "config.settings.production"
