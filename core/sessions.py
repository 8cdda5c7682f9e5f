"""Database sessions that accept only keys Django itself makes: 32 lowercase letters and
digits. Django's own check asks for eight characters or more, so a cookie holding a NUL
would reach PostgreSQL, which refuses NUL in text, as a server error on any page reading
the session; here such a cookie is no session at all."""

import re

from django.contrib.sessions.backends import db

SESSION_KEY = re.compile(r"[a-z0-9]{32}")


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return isinstance(key, str) and SESSION_KEY.fullmatch(key) is not None
