"""How fast the site answers, cold and warm, next to static files of the same bytes.

Run by hand (`make bench`): builds a fresh database `scholarfolio_bench` (--database)
beside the configured one (the embedded cluster when DATABASE_URL is unset), fills it with
`gendata` (1,000 researchers, 20,000 papers; gen-0 has 300) and vacuums it, checks the hot
queries' plans (bench/explain.py), starts gunicorn with 2 workers on 127.0.0.1 and drives each URL
with wrk: uncached (the cache off: every request rendered), cold (a new gunicorn, its
cache empty when the run starts, as after a deploy or an edit), warm in each worker's
memory, and warm in a Redis of its own. The static limit is each response body saved as a
file and served by whitenoise from the same gunicorn.
Prints requests per second, p50 and p99 latency, each as a ratio of the static figure,
and each worker's memory.

Then, with the default settings (the cache on, 2 workers), two runs a table cannot show:
a crawl of every URL the sitemap lists, each visited once and then again (bench/crawl.py;
its summary line gives the second pass), and edits under load: wrk over a mix of the
site's URLs (bench/mix.lua) while a process commits one edit a second through the ORM and
checks, a second after each commit, that the pages showing the record show the new value
(bench/edits.py). Hits are the page cache's own
answers, its X-Cache header ("hit" or "miss"); without that header no hit rate is known and
"n/a" is printed. Every cache is emptied before each run meant to start cold (the store
the workers share outlives a gunicorn). It ends with one "summary:" line per figure.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from crawl import crawl, hit_rate, sitemap_paths

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DB = "scholarfolio_bench"
PHASES = ("table", "crawl", "edits")
VACUUM_CODE = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
# Every cache the settings name: a page store shared by the workers (a table, or Redis)
# outlives a gunicorn, and a run meant to start cold must not find the last run's pages.
CLEAR_CACHES_CODE = (
    "from django.conf import settings; from django.core.cache import caches; "
    "[caches[name].clear() for name in settings.CACHES]"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--researchers", type=int, default=1000)
    parser.add_argument("--papers", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--database", default=BENCH_DB, help="the database to drop and build (default %(default)s)"
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="which runs, comma-separated, of: %(default)s",
    )
    parser.add_argument(
        "--crawl-limit", type=int, help="URLs to crawl, spread over the sitemap (default all)"
    )
    parser.add_argument(
        "--crawl-seconds",
        type=int,
        default=1800,
        help="a crawl pass stops after this long, with what it visited (default %(default)s)",
    )
    parser.add_argument(
        "--edit-seconds", type=int, default=20, help="edits under load: one edit a second"
    )
    args = parser.parse_args()
    args.phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    if unknown := set(args.phases) - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    return args


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


def clear_caches(env: dict) -> None:
    manage(env, "shell", "-v0", "-c", CLEAR_CACHES_CODE)


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


def wrk_command(url: str, duration: int, connections: int, *options, script_args=()) -> list:
    """wrk's command line; ``script_args`` go to a Lua script (-s), after ``--``. wrk leaves
    an answer slower than its timeout out of the latencies (and counts it an error): 30 s,
    so that a slow page's time is counted, not dropped."""
    tail = ["--", *script_args] if script_args else []
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    return [*command, *options, url, *tail]


def run_wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        wrk_command(url, duration, connections), capture_output=True, text=True, check=True
    ).stdout
    figures = parse_wrk(out)
    settle(url, figures["p50"])
    return figures


def settle(url: str, p50_ms: float) -> None:
    """Waits for the requests wrk left queued when it stopped, so that they do not slow
    the next run: the health check is answered after every connection made before it,
    and a request one worker may still be making takes about p50."""
    urllib.request.urlopen(re.sub(r"^(https?://[^/]+).*", r"\1/healthz", url), timeout=300).read()
    time.sleep(min(p50_ms / 1000, 5))


def parse_wrk(out: str) -> dict:
    """wrk's figures: requests per second, p50 and p99 in ms, responses of 400 and more
    ("errors") and requests that got no answer ("socket_errors")."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["50"]).groups()),
        "p99": to_ms(*re.match(r"([\d.]+)(us|ms|s)", latency["99"]).groups()),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
    }


URLS = {
    "home": "/",
    "profile (300 papers)": "/people/gen-0/",
    "publication list": "/publications/",
    "search": "/search/?q=gradient+descent",
    "API publication list": "/api/v1/publications/",
}
# The same URLs, in the same order, as the summary lines name them.
SUMMARY_LABELS = ("home", "profile-300", "publications", "search", "api-publications")


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(args.database),
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
    # As autovacuum would within a minute, rather than at some point of the runs.
    manage(env, "shell", "-v0", "-c", VACUUM_CODE)
    print(f"data set built in {time.monotonic() - started:.0f} s")
    manage(env, "collectstatic", "--noinput", "-v0")

    port = free_port()
    summary = []
    if "table" in args.phases:
        summary += table(env, port, args)
    if "crawl" in args.phases:
        summary += crawl_twice(env, port, args)
    # Last: it changes the data.
    if "edits" in args.phases:
        summary += edits_under_load(env, port, args)
    print()
    for line in summary:
        print(f"summary: {line}")


def table(env: dict, port: int, args) -> list[str]:
    """Today's table: each URL uncached, cold, warm and warm in Redis, against static."""
    base = f"http://127.0.0.1:{port}"
    static_dir = ROOT / "staticfiles" / "bench"
    shutil.rmtree(static_dir, ignore_errors=True)  # left by a run that was stopped
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
                clear_caches(env | settings)
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
    return [
        f"{mode} {label} {results[mode, n]['rps'] / results['static', n]['rps']:.3f}"
        for mode in ("uncached", "warm")
        for n, label in enumerate(SUMMARY_LABELS)
    ]


def rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def crawl_twice(env: dict, port: int, args) -> list[str]:
    """Every sitemap URL visited once, then once again, by one gunicorn with the default
    settings: the first pass finds the cache empty, the second shows what it kept."""
    clear_caches(env)
    with gunicorn(env, port):
        paths = sitemap_paths(f"http://127.0.0.1:{port}", args.crawl_limit)
        passes = [crawl(port, paths, args.connections, args.crawl_seconds)]
        # The second pass asks for what the first one reached.
        paths = paths[: passes[0]["visited"]]
        passes.append(crawl(port, paths, args.connections, args.crawl_seconds))
    print(f"\ncrawl of the sitemap: {len(paths)} URLs, {args.connections} at a time")
    for n, figures in enumerate(passes, start=1):
        statuses = ", ".join(
            f"{count} x {status}"
            for status, count in sorted(figures["statuses"].items(), key=lambda item: str(item[0]))
        )
        answers = figures["answers"]
        print(
            f"pass {n}: {figures['rps']:.1f} req/s ({figures['seconds']:.0f} s), "
            f"hit rate {rate(figures['hit_rate'])} (X-Cache: {answers['hit']} hit, "
            f"{answers['miss']} miss, {answers['stale']} stale, {answers['unmarked']} unmarked); "
            f"{statuses}"
            + ("" if figures["complete"] else f"; stopped after {args.crawl_seconds} s")
        )
        for failure in figures["failures"]:
            print(f"  error: {failure}")
    second = passes[1]
    return [f"crawl urls={len(paths)} rps={second['rps']:.1f} hit_rate={rate(second['hit_rate'])}"]


def edits_under_load(env: dict, port: int, args) -> list[str]:
    """wrk over a mix of the site's URLs while bench/edits.py commits one edit a second and
    checks the edited records' pages a second after each commit."""
    base = f"http://127.0.0.1:{port}"
    seconds = args.edit_seconds
    clear_caches(env)  # warmed below by the mix alone
    with tempfile.TemporaryDirectory() as work, gunicorn(env, port):
        paths_file = Path(work) / "paths.txt"
        editor = subprocess.Popen(
            [PYTHON, "bench/edits.py", base, str(paths_file), str(seconds)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            if editor.stdout.readline().strip() != "ready":
                raise SystemExit("bench/edits.py did not start")
            # The mix's pages, each asked three times in a shuffled order, so that both
            # workers have most of them: the run measures a site that has been up a while.
            distinct = sorted(set(paths_file.read_text().split()))
            warm = random.Random(1).sample(distinct * 3, len(distinct) * 3)
            warming = crawl(port, warm, args.connections, 300)
            # wrk runs a second longer than the edits, through the last check.
            load = subprocess.Popen(
                wrk_command(
                    base,
                    seconds + 1,
                    args.connections,
                    "-s",
                    str(ROOT / "bench" / "mix.lua"),
                    script_args=[str(paths_file)],
                ),
                stdout=subprocess.PIPE,
                text=True,
            )
            editor.stdin.write("go\n")
            editor.stdin.flush()
            edited = json.loads(editor.communicate(timeout=seconds + 120)[0].splitlines()[-1])
            out = load.communicate(timeout=seconds + 60)[0]
        finally:
            editor.kill()
    if editor.returncode:
        raise SystemExit("bench/edits.py failed")
    figures = parse_wrk(out)
    counts = re.search(r"x-cache: hit=(\d+) miss=(\d+) stale=(\d+) unmarked=(\d+)", out)
    answers = Counter(
        dict(zip(("hit", "miss", "stale", "unmarked"), map(int, counts.groups()), strict=True))
    )
    errors = figures["errors"] + figures["socket_errors"]
    checker = Counter(edited["checker_answers"])
    print(
        f"\nedits under load: {len(distinct)} URLs ({len(warm)} requests to warm up, "
        f"{warming['seconds']:.0f} s, hit rate {rate(warming['hit_rate'])}), then wrk for "
        f"{seconds + 1} s: {figures['rps']:.0f} req/s, p50 {figures['p50']:.1f} ms, "
        f"p99 {figures['p99']:.1f} ms, {figures['errors']} responses of 400 or more, "
        f"{figures['socket_errors']} socket errors; X-Cache: {answers['hit']} hit, "
        f"{answers['miss']} miss, {answers['stale']} stale, {answers['unmarked']} unmarked"
    )
    kinds = ", ".join(f"{n} {kind}" for kind, n in edited["kinds"].items())
    print(
        f"{edited['edits']} edits ({kinds}),"
        f" commit {edited['commit_ms_median']:.0f} ms median, {edited['commit_ms_max']:.0f} ms max;"
        f" {edited['pages']} pages checked a second after their commit: {edited['stale']} stale,"
        f" {edited['failed']} failed; the checker's X-Cache: {checker['hit']} hit,"
        f" {checker['miss']} miss, {checker['stale']} stale, {checker['unmarked']} unmarked"
    )
    for page in edited["stale_pages"]:
        print(f"  stale: {page}")
    return [
        f"edits-under-load p99_ms={figures['p99']:.0f} errors={errors + edited['failed']} "
        f"stale={edited['stale']} hit_rate={rate(hit_rate(answers))}"
    ]


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
