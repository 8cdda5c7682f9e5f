"""Backup and restore of the database and the uploaded files.

The database goes through pg_dump's custom format (one consistent snapshot) and pg_restore
in a single transaction, with the client tools of the pgserver wheel, so the embedded
cluster and any configured server are handled alike. A manifest records the row count of
every table and a checksum of every media file, and a restore checks itself against it.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pgserver
from django.conf import settings
from django.db import connections

DUMP = "database.dump"
MEDIA = "media"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def client_tool(name: str) -> str:
    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def libpq_env(db: dict) -> dict:
    env = {**os.environ, "PGHOST": db["HOST"] or "localhost", "PGDATABASE": db["NAME"]}
    for key, value in (
        ("PGPORT", db["PORT"]),
        ("PGUSER", db["USER"]),
        ("PGPASSWORD", db["PASSWORD"]),
    ):
        if value:
            env[key] = str(value)
    return env


def table_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def file_digests(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup(directory: Path, alias: str = "default") -> dict:
    """Write the database dump, the media files and the manifest into a new directory."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; give a new or empty directory.")
    directory.mkdir(parents=True, exist_ok=True)
    db = connections[alias].settings_dict
    _run(
        [client_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--file={directory / DUMP}"],
        libpq_env(db),
    )  # fmt: skip
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, directory / MEDIA)
    manifest = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "tables": table_counts(alias),
        "media": file_digests(media_root),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def restore(directory: Path, alias: str = "default") -> dict:
    """Bring a backup back into an empty database and the media directory, then check both."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file() or not (directory / DUMP).is_file():
        raise BackupError(f"{directory} holds no backup ({MANIFEST} and {DUMP} are needed).")
    manifest = json.loads(manifest_path.read_text())
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} is not empty; "
                "restore needs a new, empty database."
            )
    connection.close()  # pg_restore works on its own connection
    _run(
        [client_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}",
         str(directory / DUMP)],
        libpq_env(connection.settings_dict),
    )  # fmt: skip
    media_root = Path(settings.MEDIA_ROOT)
    if (directory / MEDIA).is_dir():
        shutil.copytree(directory / MEDIA, media_root, dirs_exist_ok=True)
    problems = []
    if (counts := table_counts(alias)) != manifest["tables"]:
        differ = sorted(t for t in manifest["tables"] if counts.get(t) != manifest["tables"][t])
        problems.append(f"row counts differ in {', '.join(differ)}")
    digests = file_digests(media_root)
    missing = [name for name, digest in manifest["media"].items() if digests.get(name) != digest]
    if missing:
        problems.append(f"media files missing or changed: {', '.join(missing)}")
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems))
    return manifest
