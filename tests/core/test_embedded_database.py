"""The embedded PostgreSQL cluster, exercised in child processes as real commands use it."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]

START = """
import json, sys
from pathlib import Path
from config.database import embedded_database_settings, start_embedded_server
import psycopg
settings = embedded_database_settings(Path(sys.argv[1]))
conninfo = dict(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"])
with psycopg.connect(**conninfo, autocommit=True) as conn:
    exec(sys.argv[2])
"""


def embedded_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMBEDDED_PGDATA"}}
    env["DEBUG"] = "true"
    return env


def run_python(pgdata: Path, code: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", START, str(pgdata), code],
        cwd=ROOT,
        env=embedded_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_holder(pgdata: Path, code: str) -> subprocess.Popen:
    """A process that opens the cluster, runs ``code``, says 'ready' and then waits."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            START,
            str(pgdata),
            f"{code}; print('ready', flush=True); import time; time.sleep(300)",
        ],
        cwd=ROOT,
        env=embedded_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
    return holder


@pytest.fixture
def pgdata(tmp_path):
    path = tmp_path / "postgres"
    yield path
    pid_file = path / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def test_cluster_is_created_and_keeps_its_data_across_restarts(pgdata):
    first = run_python(
        pgdata,
        "conn.execute('CREATE TABLE note (body text)'); "
        "conn.execute(\"INSERT INTO note VALUES ('kept')\")",
    )
    assert first.returncode == 0, first.stderr
    assert f"created a new cluster in {pgdata}" in first.stderr
    assert not (pgdata / "postmaster.pid").exists(), "the last user should stop the server"

    second = run_python(pgdata, "print(conn.execute('SELECT body FROM note').fetchone()[0])")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "kept"
    assert "created a new cluster" not in second.stderr


def test_killed_server_and_process_leave_nothing_that_blocks_a_restart(pgdata):
    holder = start_holder(
        pgdata,
        "conn.execute('CREATE TABLE note (body text)'); "
        "conn.execute(\"INSERT INTO note VALUES ('survived')\")",
    )
    try:
        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        holder.kill()
        holder.wait(10)
    finally:
        holder.kill()
        holder.communicate()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(postmaster, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    assert (pgdata / "postmaster.pid").exists(), "the stale pid file is the case under test"
    assert json.loads((pgdata / ".handle_pids.json").read_text()), "a dead handle is left"

    again = run_python(pgdata, "print(conn.execute('SELECT body FROM note').fetchone()[0])")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "survived"
    assert not (pgdata / "postmaster.pid").exists(), "dead handles must not keep it running"


def test_a_terminated_process_stops_the_server_it_started(pgdata):
    holder = start_holder(pgdata, "pass")
    try:
        assert (pgdata / "postmaster.pid").exists()
        holder.terminate()
        holder.wait(30)
    finally:
        holder.kill()
        holder.communicate()
    assert not (pgdata / "postmaster.pid").exists()


def test_two_processes_starting_at_once_share_one_cluster(pgdata):
    code = (
        "print(conn.execute('SELECT count(*) FROM pg_database WHERE datname = %s', "
        "['scholarfolio']).fetchone()[0])"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START, str(pgdata), code],
            cwd=ROOT,
            env=embedded_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(*process.communicate(timeout=120), process.returncode) for process in processes]
    for stdout, stderr, returncode in results:
        assert returncode == 0, stderr
        assert stdout.strip() == "1"
    assert (pgdata / "PG_VERSION").read_text().strip()


def test_manage_py_migrates_and_loads_the_demo_on_the_embedded_default(tmp_path):
    env = embedded_env() | {"EMBEDDED_PGDATA": str(tmp_path / "postgres")}
    for command in (["migrate", "--noinput", "-v0"], ["loaddemo"], ["loaddemo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert "0 created" in result.stdout and "0 kept as edited" in result.stdout
