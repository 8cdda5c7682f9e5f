"""Back up the demo site, restore it into a new database, and find every row and file equal."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from config.database import database_url
from profiles.models import Researcher

ROOT = Path(__file__).resolve().parents[2]
# pg_dump must see committed rows; backup and restore run pg_dump, pg_restore and manage.py.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.subprocess]


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def table_digests(url: str) -> dict[str, str]:
    """Each table's rows, sorted and hashed: equal digests, equal contents."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        rows = "coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')"
        return {
            table: conn.execute(f'SELECT count(*) || md5({rows}) FROM "{table}" t').fetchone()[0]
            for table in tables
        }


@pytest.fixture
def new_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_backup_and_restore_round_trip(tmp_path, settings, new_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", verbosity=0)
    bai = Researcher.objects.get(slug="zhiwei-bai")
    bai.photo.save("bai.png", ContentFile(b"\x89PNG not really an image"), save=True)

    call_command("backup", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "database.dump").stat().st_size > 10_000

    restored_media = tmp_path / "restored-media"
    target = database_url(connection.settings_dict, new_database)
    result = manage(
        "restore", str(tmp_path / "backup"), DATABASE_URL=target, MEDIA_ROOT=str(restored_media)
    )
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout

    source = database_url(connection.settings_dict, connection.settings_dict["NAME"])
    original, copy = table_digests(source), table_digests(target)
    assert "publications_publication" in original
    assert copy == original
    photo = Path(bai.photo.name)
    assert (restored_media / photo).read_bytes() == (settings.MEDIA_ROOT / photo).read_bytes()


def test_restore_refuses_a_database_with_tables(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty; restore needs a new, empty database"):
        call_command("restore", str(tmp_path / "backup"))


def test_backup_refuses_a_directory_in_use(tmp_path):
    (tmp_path / "old.txt").write_text("keep me")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path))
    assert (tmp_path / "old.txt").read_text() == "keep me"


def test_restore_names_a_missing_backup(tmp_path):
    with pytest.raises(CommandError, match="holds no backup"):
        call_command("restore", str(tmp_path))
