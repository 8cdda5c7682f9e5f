"""`make run`'s admin account: made once on the embedded database, skipped with a server."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def ensure_local_admin(capsys) -> str:
    call_command("ensure_local_admin")
    return capsys.readouterr().out


def test_the_embedded_database_gets_an_admin_once(settings, capsys):
    settings.EMBEDDED_DATABASE = True

    first = ensure_local_admin(capsys)
    second = ensure_local_admin(capsys)

    assert "Admin account created: user 'admin', password '" in first
    assert get_user_model().objects.get(username="admin").is_superuser
    assert "Admin account 'admin' exists; its password is unchanged." in second


def test_a_database_url_skips_the_account_and_says_so(settings, capsys):
    settings.EMBEDDED_DATABASE = False

    out = ensure_local_admin(capsys)

    assert "DATABASE_URL is set: no local admin account made" in out
    assert not get_user_model().objects.exists()
