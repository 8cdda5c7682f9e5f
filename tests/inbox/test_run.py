"""`make run` starts the job queue's worker beside the server and stops it with the server,
whether the server ends or is interrupted (Ctrl-C reaches the whole process group). The
venv's python is replaced by a script that records what manage.py was asked to run."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
]
ROOT = Path(__file__).resolve().parents[2]
FAKE_PYTHON = """#!/bin/sh
log="$(dirname "$0")/log"
case "$2" in
  procrastinate)
    trap 'echo worker stopped >> "$log"; exit 0' TERM
    echo worker started >> "$log"
    while true; do sleep 0.1; done ;;
  runserver) echo server started >> "$log"; sleep "$SERVE_SECONDS"; echo server ended >> "$log" ;;
  *) echo "$2" >> "$log" ;;
esac
"""


def start(tmp_path, seconds):
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return subprocess.Popen(
        # -o: the venv and .env are taken as they are, neither installed nor written.
        ["make", "-s", "-o", ".venv/.installed", "-o", ".env", "run", f"PY={python}"],
        cwd=ROOT,
        env={**os.environ, "SERVE_SECONDS": str(seconds)},
        start_new_session=True,
        # As from a terminal: a shell's background job (a CI script run with &) passes
        # SIGINT on ignored, and make would never hear the Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def logged(tmp_path):
    log = tmp_path / "log"
    return log.read_text().splitlines() if log.exists() else []


def test_the_worker_stops_when_the_server_ends(tmp_path):
    make = start(tmp_path, seconds=1)
    assert make.wait(timeout=60) == 0
    assert logged(tmp_path)[:3] == ["migrate", "loaddemo", "ensure_local_admin"]
    assert {"worker started", "server ended"} <= set(logged(tmp_path))
    assert logged(tmp_path)[-1] == "worker stopped"


def test_the_worker_stops_when_the_server_is_interrupted(tmp_path):
    make = start(tmp_path, seconds=60)
    deadline = time.monotonic() + 30
    while not {"worker started", "server started"} <= set(logged(tmp_path)):
        assert time.monotonic() < deadline, logged(tmp_path)
        time.sleep(0.1)
    os.killpg(make.pid, signal.SIGINT)
    make.wait(timeout=30)
    assert logged(tmp_path)[-1] == "worker stopped"
    assert "server ended" not in logged(tmp_path)
