"""The site under load while PostgreSQL restarts and while Redis goes away.

Run by hand (`make bench-faults`), bounded in time, talking only to 127.0.0.1. It starts
its own throw-away PostgreSQL cluster (pgserver's binaries, in a temporary directory) and
its own Redis on a free port, loads the demo data, and runs gunicorn (2 workers) against
them. Two runs of a fixed length, each with a few client threads requesting public pages,
the API and /readyz without pause:

1. PostgreSQL is stopped (fast shutdown) a third of the way in and started again later.
   Expected: failures only while it is down; the same gunicorn answers again afterwards.
2. Redis (the cache) is killed a third of the way in and not brought back.
   Expected: no failed request at all; pages are made without a cache.

Prints, per run and phase, the requests that succeeded and failed, and the time from
PostgreSQL's restart to the first good answer. Exits 1 when an expectation fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import free_port, gunicorn, redis_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETUP = [
    ["migrate", "--noinput", "-v0"],
    ["loaddemo", "-v0"],
    ["collectstatic", "--noinput", "-v0"],
]
URLS = ["/", "/publications/", "/people/", "/api/v1/publications/", "/readyz"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=24, help="length of each run")
    parser.add_argument("--clients", type=int, default=4)
    return parser.parse_args()


class Cluster:
    """A PostgreSQL cluster of our own, so that it can be stopped and started."""

    def __init__(self, pgdata: Path):
        import pgserver
        from pgserver import _commands

        self.pg_ctl = _commands.pg_ctl
        self.server = pgserver.get_server(pgdata, cleanup_mode="delete")
        info = self.server.get_postmaster_info()
        self.pgdata, self.socket_dir, self.port = pgdata, info.socket_dir, info.port
        self.url = f"postgresql://postgres@/postgres?host={self.socket_dir}"
        if self.port:
            self.url += f"&port={self.port}"

    def stop(self):
        self.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)

    def start(self):
        args = ["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}"]
        args += ["-l", str(self.pgdata / "log"), "start"]
        self.pg_ctl(args, pgdata=self.pgdata, user=self.server.system_user, timeout=30)


def load(base: str, seconds: float, clients: int, events: dict) -> list[tuple[float, str]]:
    """(seconds since start, outcome) of every request made by ``clients`` threads, while
    each event's action runs at its time; ``events`` then holds when each was issued and
    when it returned."""
    results, lock = [], threading.Lock()
    started = time.monotonic()

    def client(n):
        i = n
        while (now := time.monotonic() - started) < seconds:
            url = base + URLS[i % len(URLS)]
            i += 1
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    response.read()
                    outcome = "ok"
            except urllib.error.HTTPError as error:
                outcome = str(error.code)
            except OSError as error:
                outcome = type(error).__name__
            with lock:
                results.append((now, outcome))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for at, action in sorted(events.items()):
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        issued = time.monotonic() - started
        action()
        events[at] = (issued, time.monotonic() - started)
    for thread in threads:
        thread.join()
    return results


def report(title: str, results, phases: list[tuple[str, float, float]]) -> dict:
    print(f"\n{title}")
    print(f"{'phase':<28}{'from s':>7}{'to s':>7}{'ok':>7}{'failed':>8}  failures")
    counts = {}
    for name, start, end in phases:
        outcomes = Counter(outcome for at, outcome in results if start <= at < end)
        failed = sum(n for outcome, n in outcomes.items() if outcome != "ok")
        kinds = ", ".join(f"{outcome} x{n}" for outcome, n in outcomes.items() if outcome != "ok")
        print(f"{name:<28}{start:>7.1f}{end:>7.1f}{outcomes['ok']:>7}{failed:>8}  {kinds}")
        counts[name] = (outcomes["ok"], failed)
    return counts


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="scholarfolio-faults-"))
    try:
        cluster = Cluster(workdir / "pgdata")
        with redis_server() as (redis_url, redis):
            env = {
                **os.environ,
                "DATABASE_URL": cluster.url,
                "REDIS_URL": redis_url,
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DEBUG": "false",
                "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "API_THROTTLE_RATE": "",
                "LOG_LEVEL": "CRITICAL",
            }
            for command in SETUP:
                subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
            port = free_port()
            with gunicorn(env, port):
                failures = restart_postgres(f"http://127.0.0.1:{port}", cluster, args)
                failures += lose_redis(f"http://127.0.0.1:{port}", redis, args)
        for failure in failures:
            print(f"FAILED: {failure}")
        return 1 if failures else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def restart_postgres(base, cluster, args) -> list[str]:
    third = args.seconds / 3
    events = {third: cluster.stop, 2 * third: cluster.start}
    results = load(base, args.seconds, args.clients, events)
    stopped, started = events[third][0], events[2 * third][1]
    counts = report(
        "PostgreSQL stopped and started again during the run",
        results,
        [
            ("before the stop", 0, stopped),
            ("down", stopped, started),
            ("after the restart", started, args.seconds),
        ],
    )
    failures = []
    if counts["before the stop"][1]:
        failures.append("failures before PostgreSQL was stopped")
    first_ok = min((at for at, o in results if at >= started and o == "ok"), default=None)
    if first_ok is None:
        return [*failures, "the site did not recover after PostgreSQL came back"]
    print(f"first good answer {first_ok - started:.2f} s after PostgreSQL was up")
    late = [o for at, o in results if at > first_ok + 1 and o != "ok"]
    if late:
        failures.append(f"{len(late)} failures more than 1 s after recovery")
    return failures


def lose_redis(base, redis, args) -> list[str]:
    third = args.seconds / 3
    events = {third: redis.kill}
    results = load(base, args.seconds, args.clients, events)
    counts = report(
        "Redis killed during the run (not restarted)",
        results,
        [("with Redis", 0, events[third][0]), ("without Redis", events[third][0], args.seconds)],
    )
    return ["requests failed when Redis went away"] if any(f for _, f in counts.values()) else []


if __name__ == "__main__":
    sys.exit(main())
