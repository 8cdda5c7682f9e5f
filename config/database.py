"""Database settings: DATABASE_URL when set, otherwise an embedded PostgreSQL cluster.

The embedded cluster lives in ``.data/postgres`` (override with ``EMBEDDED_PGDATA``)
and is run by the ``pgserver`` package, which starts it under an inter-process lock,
so two commands started at once share one server instead of racing ``initdb``.
"""

import json
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path
from urllib.parse import quote

import dj_database_url

EMBEDDED_DB_NAME = "scholarfolio"

log = logging.getLogger(__name__)


def uses_embedded_database() -> bool:
    return not os.environ.get("DATABASE_URL", "").strip()


def embedded_pgdata(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA") or base_dir / ".data" / "postgres")


def database_settings(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return embedded_database_settings(embedded_pgdata(base_dir))


def replica_settings(url: str) -> dict:
    settings = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    settings["TEST"] = {"MIRROR": "default"}
    return settings


def embedded_database_settings(pgdata: Path) -> dict:
    server = start_embedded_server(pgdata)
    info = server.get_postmaster_info()
    ensure_database(server.get_uri(), EMBEDDED_DB_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def start_embedded_server(pgdata: Path):
    # pgserver keeps its lock file in the user runtime dir and warns when it has to guess it.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    is_new = not (pgdata / "PG_VERSION").exists()
    with pgserver.PostgresServer._lock:
        forget_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exit_cleanly_on_sigterm()
    if is_new:
        print(f"Embedded PostgreSQL: created a new cluster in {pgdata}", file=sys.stderr)
    return server


def exit_cleanly_on_sigterm() -> None:
    """Turn a plain ``kill`` into a normal exit, so pgserver's atexit hook stops the server.

    Only when nobody else (gunicorn, a test runner) has claimed SIGTERM already.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def forget_dead_handles(pgdata: Path) -> None:
    """Drop pids of killed processes from pgserver's handle list.

    pgserver stops the server when the last process holding it exits; a process killed
    with SIGKILL never removes its pid, and the server would then never be stopped.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if _pid_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_database(server_uri: str, name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(server_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except (errors.DuplicateDatabase, errors.UniqueViolation):
            # Another process created it between our check and our CREATE.
            log.debug("database %s created concurrently", name)


def database_url(settings_dict: dict, name: str) -> str:
    """A DATABASE_URL for database ``name`` on the server ``settings_dict`` connects to,
    a Unix socket directory (the embedded cluster) included."""
    host = quote(settings_dict["HOST"] or "localhost", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    auth = settings_dict["USER"] or ""
    if settings_dict["PASSWORD"]:
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    return f"postgres://{auth}@{host}{port}/{name}"
