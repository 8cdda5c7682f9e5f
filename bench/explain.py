"""The plans of the queries behind each URL, on the benchmark's data set.

Usage (bench/speed.py runs it): python bench/explain.py URL... with DATABASE_URL set.
Requests each URL in-process with the cache off and runs EXPLAIN on every SELECT it made,
twice: as the planner likes it (a sequential scan of a table of a few thousand rows is often
cheapest, and shown for information), and with sequential scans disabled, where a scan of
a large table that remains means no index can serve the query: those fail (exit 1).
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# Tables that grow with the site; the small ones (venues, settings) are read whole.
LARGE = (
    "profiles_researcher",
    "publications_publication",
    "publications_authorship",
    "publications_citationcount",
    "events_talk",
    "events_talkspeaker",
)
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def scans(cursor, sql: str) -> list[str]:
    cursor.execute("EXPLAIN " + sql)
    plan = "\n".join(row[0] for row in cursor.fetchall())
    found = [table for table in SEQ_SCAN.findall(plan) if table in LARGE]
    if found and os.environ.get("EXPLAIN_VERBOSE"):
        print(f"{sql}\n{plan}\n")
    return found


def main(paths):
    client = Client(HTTP_HOST="127.0.0.1")
    unindexed = 0
    print(f"\n{'URL':<30}{'queries':>8}  {'seq scans chosen':<18}seq scans with no index")
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        selects = [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].lstrip().upper().startswith("SELECT")
        ]
        chosen, forced = [], []
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in selects:
                chosen += scans(cursor, sql)
            cursor.execute("SET LOCAL enable_seqscan = off")
            for sql in selects:
                forced += scans(cursor, sql)
        unindexed += len(forced)
        print(
            f"{path:<30}{len(captured.captured_queries):>8}  {len(chosen):<18}"
            f"{', '.join(forced) or 'none'}"
        )
    return 1 if unindexed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
