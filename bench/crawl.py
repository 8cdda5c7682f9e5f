"""A crawl of every URL the sitemap lists, as a search engine's crawler walks the site.

bench/speed.py uses it: ``sitemap_paths`` reads /sitemap.xml (following a sitemap index to
its pages) and gives each location's path, to be asked of the bench server whatever host the
sitemap names; ``crawl`` visits each path once, from a few threads at a time, and counts
the answers, the page cache's among them (``cache_answer``).
"""

import http.client
import threading
import time
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections import Counter
from urllib.parse import urlsplit

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The page cache's answer, when core/cache.py marks it: "hit" (served from the cache) or
# "miss" (rendered, and stored if it may be).
CACHE_HEADER = "X-Cache"


def cache_answer(value: str | None) -> str:
    """'hit', 'miss', 'stale' (a page an edit has just retired, answered while it is made
    anew), or 'unmarked' for a response without the header (or another value)."""
    value = (value or "").strip().lower()
    return value if value in ("hit", "miss", "stale") else "unmarked"


def hit_rate(answers: Counter) -> float | None:
    """Hits among all answers (a stale answer is none); None when no answer carried the
    header (no hit is known)."""
    total = sum(answers.values())
    if not total or not (answers["hit"] or answers["miss"] or answers["stale"]):
        return None
    return answers["hit"] / total


def local_path(location: str) -> str:
    """The path and query of a sitemap location: the bench server is asked, never its host."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_paths(base: str, limit: int | None = None) -> list[str]:
    """Every page the sitemap lists, in its order; with ``limit``, that many spread evenly
    over the whole list (each kind of page in its share), not its first ones."""
    paths, pending, seen = [], ["/sitemap.xml"], set()
    while pending:
        sitemap = pending.pop(0)
        if sitemap in seen:
            continue
        seen.add(sitemap)
        with urllib.request.urlopen(base + sitemap, timeout=120) as response:
            root = ElementTree.fromstring(response.read())
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            pending += [local_path(loc.text.strip()) for loc in root.iter(f"{SITEMAP_NS}loc")]
        else:
            paths += [local_path(loc.text.strip()) for loc in root.iter(f"{SITEMAP_NS}loc")]
    if limit is not None and limit < len(paths):
        step = len(paths) / limit
        paths = [paths[int(n * step)] for n in range(limit)]
    return paths


def crawl(port: int, paths: list[str], connections: int, seconds: float) -> dict:
    """Each path asked once of 127.0.0.1:port by ``connections`` threads; stops early after
    ``seconds``. Returns the paths visited, requests per second, statuses, the page cache's
    answers and the errors (a status of 400 or more, or no answer)."""
    lock = threading.Lock()
    queue = iter(paths)
    statuses, answers = Counter(), Counter()
    failures = []
    deadline = time.monotonic() + seconds

    def visit():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                path = next(queue, None)
            if path is None:
                break
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status, answer = response.status, cache_answer(response.getheader(CACHE_HEADER))
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status, answer = None, "unmarked"
                with lock:
                    failures.append(f"{path}: {error!r}")
            with lock:
                statuses[status] += 1
                answers[answer] += 1
                if status is not None and status >= 400:
                    failures.append(f"{path}: {status}")
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=visit) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    visited = sum(statuses.values())
    return {
        "visited": visited,
        "seconds": elapsed,
        "rps": visited / elapsed if elapsed else 0.0,
        "statuses": statuses,
        "answers": answers,
        "hit_rate": hit_rate(answers),
        "errors": len(failures),
        "failures": failures[:5],
        "complete": visited == len(paths),
    }
