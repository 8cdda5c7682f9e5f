"""How fast the site answers, cold and warm, next to static files of the same bytes.

Run by hand (`make bench`): builds a fresh database `scholarfolio_bench` beside the
configured one (the embedded cluster when DATABASE_URL is unset), fills it with
`gendata` (1,000 researchers, 20,000 papers; gen-0 has 300), checks the hot queries'
plans (bench/explain.py), starts gunicorn with 2 workers on 127.0.0.1 and drives each URL
with wrk: uncached (the cache off: every request rendered), cold (a new gunicorn, its
cache empty when the run starts, as after a deploy or an edit), warm in each worker's
memory, and warm in a Redis of its own. The static limit is each response body saved as a
file and served by whitenoise from the same gunicorn.
Prints requests per second, p50 and p99 latency, each as a ratio of the static figure,
and each worker's memory.
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


def bench_database_url(name: str = BENCH_DB) -> str:
    """A URL for a new, empty database on the server the project is configured for."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    from config.database import database_url

    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    return database_url(connection.settings_dict, name)


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
        wait_for(f"http://127.0.0.1:{port}/healthz")
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
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["50"]).groups()),
        "p99": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["99"]).groups()),
        "errors": int(errors.group(1)) if errors else 0,
    }


URLS = {
    "home": "/",
    "profile (300 papers)": "/people/gen-0/",
    "publication list": "/publications/",
    "search": "/search/?q=gradient+descent",
    "API publication list": "/api/v1/publications/",
}


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # No API throttle: every request comes from one address (see config/settings.py).
        "API_THROTTLE_RATE": "",
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
    subprocess.run([PYTHON, "bench/explain.py", *URLS.values()], cwd=ROOT, env=env, check=True)
    static_dir.mkdir(parents=True)
    try:
        with gunicorn(env, port):
            # Each page's bytes, saved as files before whitenoise indexes them.
            for n, path in enumerate(URLS.values()):
                body = urllib.request.urlopen(base + path).read()
                (static_dir / f"{n}.html").write_bytes(body)
        results = {}
        with redis_server() as (redis_url, _):
            modes = {
                "uncached": {"PAGE_CACHE_SECONDS": "0"},
                "cold": {},
                "warm": {},
                "warm, Redis": {"REDIS_URL": redis_url},
            }
            for mode, settings in modes.items():
                with gunicorn(env | settings, port) as server:
                    for n, path in enumerate(URLS.values()):
                        if mode.startswith("warm"):
                            # Concurrent requests for 2 s, so that both workers have the page.
                            run_wrk(base + path, 2, args.connections)
                        results[mode, n] = run_wrk(base + path, args.duration, args.connections)
                        if mode == "warm":
                            results["static", n] = run_wrk(
                                f"{base}/static/bench/{n}.html", args.duration, args.connections
                            )
                    results[mode, "rss"] = worker_memory(server.pid)
        print_table(results, static_dir)
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)


MODES = ("uncached", "cold", "warm", "warm, Redis")


def print_table(results, static_dir):
    print(f"\n{'':<22}{'':>8}{'':>8}" + "".join(f"{mode:>32}" for mode in MODES))
    print(
        f"{'URL':<22}{'bytes':>8}{'static':>8}"
        + f"{'req/s':>11}{'p50':>7}{'p99':>7}{'ratio':>7}" * len(MODES)
    )
    for n, label in enumerate(URLS):
        static = results["static", n]
        row = f"{label:<22}{(static_dir / f'{n}.html').stat().st_size:>8}{static['rps']:>8.0f}"
        for mode in MODES:
            figures = results[mode, n]
            row += (
                f"{figures['rps']:>11.0f}{figures['p50']:>7.1f}{figures['p99']:>7.1f}"
                f"{figures['rps'] / static['rps']:>7.3f}"
            )
            if figures["errors"]:
                row += f" ({mode}: {figures['errors']} non-2xx)"
        print(row)
    print("latency in ms; ratio = requests per second / static requests per second")
    for mode in MODES:
        sizes = ", ".join(f"{mb:.0f} MB" for mb in results[mode, "rss"])
        print(f"worker memory (RSS) after the {mode} run: {sizes}")


@contextmanager
def redis_server():
    """A Redis of our own on a free port, keeping nothing on disk: (its URL, its process)."""
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        server.kill()
        server.wait()


def worker_memory(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


if __name__ == "__main__":
    main()
