"""Edits under load (bench/speed.py runs it): one edit a second committed through the ORM,
each checked one second after its commit on the pages that show the edited record.

Usage: python bench/edits.py BASE_URL PATHS_FILE SECONDS, in the benchmark's environment
(its DATABASE_URL and settings). Writes to PATHS_FILE the paths wrk draws from (bench/mix.lua:
the front page, the lists, profiles, papers, talks, searches and the API, a page listed
more often weighing more), picks SECONDS records among those the mix reads (rotating a
paper's title, a member's headline, a talk's title, a venue's name) and, for each, the pages
that show it (of the pages that could, those whose body holds its current value), prints
"ready", waits for a line on standard input, then makes one edit a second and prints one
line of JSON: edits made, pages checked, stale pages (a page not showing the new value one
second after the commit), failed checks and the page cache's answers to the checker.
"""

import html
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from crawl import CACHE_HEADER, cache_answer  # noqa: E402
from django.db import transaction  # noqa: E402

from events.models import Talk  # noqa: E402
from profiles.models import Researcher  # noqa: E402
from publications.models import Publication  # noqa: E402

MIX_PAPERS = 400
MIX_TALKS = 50
SEARCHES = ["gradient+descent", "sharpness", "Wang", "attention+transformer", "kernel+regime"]


def spread(items: list, count: int) -> list:
    """``count`` items spread evenly over the list (all of them if it has fewer)."""
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(n * step)] for n in range(count)]


@dataclass
class Edit:
    """One record to change: the field, its old value, and the pages to check."""

    record: object
    field: str
    old: str
    pages: list[str]


def fetch(base: str, path: str) -> tuple[int | None, str, str]:
    """(status, body, the page cache's answer) of a plain GET, as a reader asks."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, body, cache_answer(response.headers.get(CACHE_HEADER))
    except urllib.error.HTTPError as error:
        return error.code, "", cache_answer(error.headers.get(CACHE_HEADER))
    except OSError:
        return None, "", "unmarked"


def shows(body: str, value: str) -> bool:
    """The value as an HTML page or a JSON document writes it."""
    return html.escape(value) in body or json.dumps(value)[1:-1] in body


def mix(members, papers, talks) -> list[str]:
    """The paths wrk draws from, each as often as it appears."""
    paths = ["/"] * 20 + ["/people/", "/publications/", "/talks/"] * 10
    paths += [f"/people/{member.slug}/" for member in members]
    paths += [f"/publications/{paper.slug}/" for paper in papers]
    paths += [f"/talks/{talk.slug}/" for talk in talks]
    paths += [f"/search/?q={query}" for query in SEARCHES] * 4
    paths += ["/api/v1/publications/"] * 10 + ["/api/v1/publications/?q=gradient"] * 4
    paths += [f"/api/v1/publications/{paper.slug}/" for paper in papers[:50]]
    paths += [f"/api/v1/researchers/{member.slug}/" for member in members[:20]]
    return paths


def candidates(members, papers, talks, count: int) -> list[Edit]:
    """``count`` edits rotating over the four kinds, each of a record the mix reads, with
    every page that could show it."""
    profiles = {member.pk: member.slug for member in members}
    pools = {
        "paper": iter(papers),
        "researcher": iter(members),
        "talk": iter(talks),
        "venue": iter({paper.venue_id: paper.venue for paper in papers if paper.venue}.values()),
    }
    edits = []
    for n in range(count * 2):  # a pool may run dry (few members); the others go on
        kind = list(pools)[n % len(pools)]
        record = next(pools[kind], None)
        if record is None:
            continue
        if kind == "paper":
            authors = record.authorships.values_list("researcher_id", flat=True)
            pages = [f"/publications/{record.slug}/", f"/api/v1/publications/{record.slug}/"]
            pages += ["/publications/"] + [
                f"/people/{profiles[a]}/" for a in authors if a in profiles
            ]
            edits.append(Edit(record, "title", record.title, pages))
        elif kind == "researcher":
            pages = [f"/people/{record.slug}/", f"/people/{record.slug}/cv/"]
            edits.append(Edit(record, "headline", record.headline, pages))
        elif kind == "talk":
            speakers = record.speaker_links.values_list("researcher_id", flat=True)
            pages = [f"/talks/{record.slug}/", f"/api/v1/talks/{record.slug}/", "/talks/"]
            pages += [f"/people/{profiles[s]}/" for s in speakers if s in profiles]
            edits.append(Edit(record, "title", record.title, pages))
        else:
            shown = [paper.slug for paper in papers if paper.venue_id == record.pk][:2]
            pages = [f"/publications/{slug}/" for slug in shown] + [
                f"/api/v1/venues/{record.slug}/"
            ]
            edits.append(Edit(record, "name", record.name, pages))
        if len(edits) == count:
            break
    return edits


def calibrate(base: str, edits: list[Edit]) -> list[Edit]:
    """Each edit with only the pages that show its record's current value (a profile may
    list only some papers, a list only the first page), or, for an empty value, that
    answer; edits left with none are dropped."""
    kept = []
    for edit in edits:
        edit.pages = [
            path
            for path in dict.fromkeys(edit.pages)
            if (answer := fetch(base, path))[0] == 200
            and (not edit.old or shows(answer[1], edit.old))
        ]
        if edit.pages:
            kept.append(edit)
    return kept


def main(base: str, paths_file: str, seconds: int) -> None:
    members = list(Researcher.objects.public_members().order_by("pk"))
    papers = spread(
        list(Publication.objects.public().select_related("venue").order_by("pk")), MIX_PAPERS
    )
    talks = spread(list(Talk.objects.published().order_by("pk")), MIX_TALKS)
    Path(paths_file).write_text("\n".join(mix(members, papers, talks)) + "\n")
    edits = calibrate(base, candidates(members, papers, talks, seconds))
    print("ready", flush=True)
    sys.stdin.readline()

    results = {"pages": 0, "stale": 0, "failed": 0}
    stale, answers, commits = [], Counter(), []
    lock = threading.Lock()

    def check(edit: Edit, new: str) -> None:
        for path in edit.pages:
            status, body, answer = fetch(base, path)
            with lock:
                results["pages"] += 1
                answers[answer] += 1
                if status != 200:
                    results["failed"] += 1
                elif not shows(body, new):
                    results["stale"] += 1
                    stale.append(f"{path} ({type(edit.record).__name__}.{edit.field})")

    started = time.monotonic()
    checks = []
    for n, edit in enumerate(edits[:seconds]):
        time.sleep(max(0.0, started + n - time.monotonic()))
        new = f"Bench edit {n} {secrets.token_hex(3)}"
        before = time.monotonic()
        with transaction.atomic():
            # As an editor's save: the row as it is now, with the one field changed.
            edit.record.refresh_from_db()
            setattr(edit.record, edit.field, new)
            edit.record.save()
        committed = time.monotonic()
        commits.append((committed - before) * 1000)
        timer = threading.Timer(1.0, check, (edit, new))
        timer.start()
        checks.append(timer)
    for timer in checks:
        timer.join()
    commits.sort()
    print(
        json.dumps(
            {
                "edits": len(commits),
                "kinds": dict(Counter(type(edit.record).__name__ for edit in edits[:seconds])),
                **results,
                "stale_pages": stale[:10],
                "checker_answers": dict(answers),
                "commit_ms_median": commits[len(commits) // 2] if commits else None,
                "commit_ms_max": commits[-1] if commits else None,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
