"""Search at scale: the site's search and the API's, uncached, at 1,000 and 100,000 papers.

Run by hand (`make bench-search`): for each size builds a database beside the configured
one (``<prefix>_<papers>``) with ``gendata`` (a researcher for every 20 papers, as
`make bench` has it) and vacuums it, then times each query in-process through Django's
test client with the page cache off: the site's /search/?q= and the API's
/api/v1/publications/?q=, one request to warm up, then --runs more. The figure is the sum
over the URLs of each one's best time (as timeit takes it: the machine is shared, and the
best run is the one the others slowed least; medians are printed beside them); the target
is the larger site within 2x of the smaller. With --explain, or when the target is missed,
prints the three slowest queries of each URL at the largest size with their EXPLAIN ANALYZE
plans. Ends with ``summary: search-scale ratio=<t_large/t_small> t<small>_ms=<n>
t<large>_ms=<n>`` (sizes in papers).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# What the generated words give: one that nearly every paper has (titles and abstracts
# draw on 36 words), an author's family name (about one paper in five), and none at all.
QUERIES = ["gradient descent", "sharpness", "Wang", "quantum chromodynamics"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="papers, comma-separated")
    parser.add_argument("--prefix", default="scholarfolio_bench_search", help="database names")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database already built for a size"
    )
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child: a JSON report
    return parser.parse_args()


def server_url(name: str, reuse: bool) -> tuple[str, bool]:
    """A URL for database ``name`` on the configured server, and whether it holds data
    already (kept with ``reuse``; otherwise dropped and made anew)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    from config.database import database_url

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not reuse:
            cursor.execute(f"DROP DATABASE {name}")
        if not exists or not reuse:
            cursor.execute(f"CREATE DATABASE {name}")
    return database_url(connection.settings_dict, name), exists and reuse


def bench_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_RATE": "",
        "PAGE_CACHE_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    }


def build(papers: int, args) -> dict:
    """The database of one size (built unless reused), and its measurements."""
    url, reused = server_url(f"{args.prefix}_{papers}", args.reuse)
    env = bench_env(url)
    generated = None
    # A reused database too: it gets the migrations made since it was built.
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    if not reused:
        started = time.monotonic()
        researchers = max(50, papers // 20)
        subprocess.run(
            [PYTHON, "manage.py", "gendata", f"--researchers={researchers}", f"--papers={papers}"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        generated = time.monotonic() - started
        print(f"{papers} papers generated in {generated:.0f} s")
    vacuum(env)
    out = subprocess.run(
        [PYTHON, __file__, "--measure", str(papers), "--runs", str(args.runs)]
        + (["--explain"] if args.explain else []),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {"generated": generated, **json.loads(out.splitlines()[-1])}


def vacuum(env: dict) -> None:
    """VACUUM ANALYZE, as autovacuum does within a minute of a bulk load: it empties the
    GIN indexes' pending lists, which every search reads through until then."""
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", VACUUM_CODE], cwd=ROOT, env=env, check=True
    )


VACUUM_CODE = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"


def urls() -> dict[str, str]:
    found = {}
    for query in QUERIES:
        found[f"site  {query}"] = f"/search/?q={quote_plus(query)}"
        found[f"api   {query}"] = f"/api/v1/publications/?q={quote_plus(query)}"
    return found


def measure(runs: int, explain: bool) -> dict:
    """In this process, on DATABASE_URL: each URL's median time and match count, and the
    slowest queries of each with their plans (with ``explain``)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from publications.models import Publication
    from scholarfolio.search import site_search

    client = Client(HTTP_HOST="127.0.0.1")
    report = {"papers": Publication.objects.count(), "urls": {}}
    for label, path in urls().items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)  # warms the connection and the caches of PostgreSQL
        # A copy: the next request's request_started signal empties the log it reads.
        queries = list(captured.captured_queries)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        query = label.split(maxsplit=1)[1]
        matches = (
            response.json()["count"] if label.startswith("api") else site_search(text=query).total
        )
        entry = {
            "ms": min(times),
            "median_ms": statistics.median(times),
            "matches": matches,
            "queries": len(queries),
        }
        if explain:
            entry["slowest"] = slowest_queries(connection, queries)
        report["urls"][label] = entry
    return report


def slowest_queries(connection, captured, count: int = 3) -> list[dict]:
    """The ``count`` SELECTs that take longest, by EXPLAIN ANALYZE, each with its plan."""
    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            took = next(
                float(line.split(":")[1].split()[0])
                for line in reversed(plan)
                if line.startswith("Execution Time")
            )
            plans.append({"ms": took, "sql": sql, "plan": plan})
    return sorted(plans, key=lambda item: -item["ms"])[:count]


def print_report(reports: list[dict], explain: bool) -> None:
    small, large = reports[0], reports[-1]
    header = "".join(f"{r['papers']:>10} papers{'':>9}" for r in reports)
    print(f"\n{'URL (uncached)':<32}{header}")
    print(f"{'':<32}" + f"{'best':>9}{'median':>9}{'matches':>9}" * len(reports) + "  (ms)")
    for label in small["urls"]:
        row = "".join(
            f"{r['urls'][label]['ms']:>9.1f}{r['urls'][label]['median_ms']:>9.1f}"
            f"{r['urls'][label]['matches']:>9}"
            for r in reports
        )
        print(f"{label:<32}{row}")
    totals = [sum(entry["ms"] for entry in r["urls"].values()) for r in reports]
    medians = [sum(entry["median_ms"] for entry in r["urls"].values()) for r in reports]
    print(
        f"{'total':<32}"
        + "".join(
            f"{total:>9.1f}{median:>9.1f}{'':>9}"
            for total, median in zip(totals, medians, strict=True)
        )
    )
    if explain:
        for label, entry in large["urls"].items():
            print(f"\n{label}: {entry['ms']:.1f} ms, {entry['queries']} queries; slowest:")
            for query in entry["slowest"]:
                # The column list says little; what follows FROM says which query it is.
                sql = query["sql"]
                tail = sql[sql.find(" FROM ") :]
                print(
                    f"  {query['ms']:.1f} ms  SELECT …{tail[:200]}{'…' if len(tail) > 200 else ''}"
                )
                for line in query["plan"]:
                    print(f"      {line}")
    ratio = totals[-1] / totals[0]
    print(
        f"\nsummary: search-scale ratio={ratio:.2f} t{small['papers']}_ms={totals[0]:.1f} "
        f"t{large['papers']}_ms={totals[-1]:.1f}"
    )


def main():
    args = parse_args()
    if args.measure:
        print(json.dumps(measure(args.runs, args.explain)))
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    reports = [build(papers, args) for papers in sizes]
    totals = [sum(entry["ms"] for entry in r["urls"].values()) for r in reports]
    if not args.explain and totals[-1] > 2 * totals[0]:
        # Missed: the plans of the largest size say why.
        args.explain = True
        reports[-1] = build_report_again(sizes[-1], args)
    print_report(reports, args.explain)


def build_report_again(papers: int, args) -> dict:
    args.reuse = True
    return build(papers, args)


if __name__ == "__main__":
    main()
