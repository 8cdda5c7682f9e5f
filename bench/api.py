"""How fast the JSON API answers, next to a static file of the same bytes.

Run by hand (`make bench-api`): builds a fresh database `scholarfolio_bench` beside the
configured one (the embedded cluster when DATABASE_URL is unset), fills it with
`gendata`, starts gunicorn with 2 workers on 127.0.0.1, and drives each URL with wrk.
The static limit is the same response body saved as a file and served by whitenoise
from the same gunicorn. Prints a table: requests per second, p50 and p99 latency, and
each API figure as a ratio of the static one.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DB = "scholarfolio_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--researchers", type=int, default=1000)
    parser.add_argument("--papers", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    return parser.parse_args()


def bench_database_url() -> str:
    """A URL for a new, empty database on the server the project is configured for."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection

    from config.database import database_url

    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    return database_url(connection.settings_dict, BENCH_DB)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout} s")


@contextmanager
def gunicorn(env: dict, port: int):
    """gunicorn with 2 workers on 127.0.0.1:port, answering before this yields."""
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["50"]).groups()),
        "p99": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["99"]).groups()),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_RATE": "100000000/minute",
        "LOG_LEVEL": "ERROR",
    }
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "gendata", f"--researchers={args.researchers}", f"--papers={args.papers}")
    print(f"data set built in {time.monotonic() - started:.0f} s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    static_dir = ROOT / "staticfiles" / "bench"
    shutil.rmtree(static_dir, ignore_errors=True)
    manage(env, "collectstatic", "--noinput", "-v0")
    static_dir.mkdir(parents=True)
    member = "gen-0"
    urls = {
        "publication list (50)": "/api/v1/publications/?page_size=50",
        "filtered list": f"/api/v1/publications/?author={member}&year_min=2015&kind=article",
        "researcher detail": f"/api/v1/researchers/{member}/",
    }
    try:
        with gunicorn(env, port):
            # The same bytes as each API answer, saved as files before whitenoise indexes them.
            for n, path in enumerate(urls.values()):
                body = urllib.request.urlopen(base + path).read()
                (static_dir / f"{n}.json").write_bytes(body)
        with gunicorn(env, port) as server:
            rss = worker_memory(server.pid)
            print(
                f"\n{'URL':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>9}"
                f"{'static req/s':>14}{'ratio':>8}"
            )
            for n, (label, path) in enumerate(urls.items()):
                size = (static_dir / f"{n}.json").stat().st_size
                api = run_wrk(base + path, args.duration, args.connections)
                static = run_wrk(f"{base}/static/bench/{n}.json", args.duration, args.connections)
                if api["errors"] or static["errors"]:
                    print(f"  non-2xx answers: api {api['errors']}, static {static['errors']}")
                print(
                    f"{label:<24}{api['rps']:>10.0f}{api['p50']:>9.1f}{api['p99']:>9.1f}{size:>9}"
                    f"{static['rps']:>14.0f}{api['rps'] / static['rps']:>8.3f}"
                )
            print(f"\nworker memory (RSS): {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)


def worker_memory(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


if __name__ == "__main__":
    main()
