"""How fast a large BibTeX file imports, next to bibtexparser's own parse of it.

Run by hand (`make bench-import`): writes a generated 5,000-entry file (accents, math,
macros, arXiv ids, DOIs as URLs, shared co-authors), creates a fresh database
`scholarfolio_bench_import` beside the configured one, and in one process times
bibtexparser's parse, our reader (parse plus LaTeX decoding and checks) and the whole
import, with peak memory of each (tracemalloc), then imports the file again and checks
that the second import wrote nothing. The last line is the figure issue 16 asks for:
``summary: import 5000 entries <S> s = <R>x the parse`` (at most 10x).
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from speed import bench_database_url  # noqa: E402

BENCH_DB = "scholarfolio_bench_import"
FAMILY = ["Xu", "Zhang", "Luo", "Erd{\\H{o}}s", "R{\\'e}nyi", 'Schr{\\"o}dinger', "Wang", "Li"]
GIVEN = ["Zhi-Qin John", "Z.-Q. J.", "Yaoyu", "Tao", "Paul", "Alfr{\\'e}d", "Erwin", "Wei"]
WORDS = [
    "adaptive",
    "gradient",
    "descent",
    "implicit",
    "bias",
    "neural",
    "network",
    "loss",
    "spike",
    "frequency",
]


def generate(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = ['@string{jmlr = "Journal of Machine Learning Research"}\n']
    for n in range(count):
        names = rng.sample([(f, g) for f in FAMILY for g in GIVEN], k=rng.randint(1, 6))
        authors = " and ".join(f"{family}, {given}" for family, given in names)
        title = " ".join(rng.choices(WORDS, k=7)).capitalize() + f" $\\beta_{n % 9}$ {n}"
        arxiv_id = f"{5 + n % 20:02d}{1 + n % 12:02d}.{n:05d}v2"
        extra = (
            f"  eprint = {{{arxiv_id}}},\n  archivePrefix = {{arXiv}},\n"
            if n % 2
            else f"  doi = {{https://doi.org/10.5555/bench.{n}}},\n"
        )
        out.append(
            f"@article{{entry{n},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
            f"  journal = jmlr,\n  year = {{{2000 + n % 26}}},\n  month = jan,\n{extra}"
            f"  abstract = {{{' '.join(rng.choices(WORDS, k=60))}}}\n}}\n"
        )
    return "\n".join(out)


def measure(function, *args, trace=True):
    """(result, seconds, peak MB). Timed untraced; then, for the pure steps, run again under
    tracemalloc for their peak allocations; for the database steps, the process's peak RSS
    (tracing would slow them down several times)."""
    started = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - started
    if trace:
        tracemalloc.start()
        function(*args)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.inside:
        # A fresh database first; then the measuring run, in a process that uses it.
        env = {
            **os.environ,
            "DATABASE_URL": bench_database_url(BENCH_DB),
            # Production settings: DEBUG would also keep a copy of every query.
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
        }
        command = [sys.executable, __file__, "--inside", f"--entries={args.entries}"]
        return subprocess.run(command, env=env, check=False).returncode

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()
    import bibtexparser
    from django.core.management import call_command

    from core.changes import current_version
    from publications.bibtex_reader import read_bibtex
    from publications.importer import Importer
    from publications.models import Authorship, Publication

    call_command("migrate", verbosity=0)
    text = generate(args.entries)
    path = Path(tempfile.mkdtemp()) / "bench.bib"
    path.write_text(text)
    print(f"{args.entries} entries, {len(text.encode()) / 2**20:.1f} MB")

    _, parse_s, parse_mb = measure(bibtexparser.parse_string, text)
    entries, read_s, read_mb = measure(read_bibtex, text)
    report, import_s, import_mb = measure(lambda: Importer().run(read_bibtex(text)), trace=False)
    papers, authorships = Publication.objects.count(), Authorship.objects.count()
    version = current_version()
    again, again_s, _ = measure(lambda: Importer().run(read_bibtex(text)), trace=False)
    wrote_nothing = (
        Publication.objects.count() == papers
        and Authorship.objects.count() == authorships
        and current_version() == version
        and not again.created
        and not again.updated
    )

    print(f"\n{'step':<34}{'seconds':>9}{'peak MB':>9}{'x parse':>9}")
    for label, seconds, peak in (
        ("bibtexparser.parse_string", parse_s, parse_mb),
        ("read_bibtex (parse, decode, check)", read_s, read_mb),
        ("whole import (read + database)*", import_s, import_mb),
        ("second import of the same file", again_s, float("nan")),
    ):
        print(f"{label:<34}{seconds:>9.2f}{peak:>9.1f}{seconds / parse_s:>9.2f}")
    print("* peak MB of the whole process (RSS), not traced allocations")
    print(f"\n{report.summary()}")
    print(f"second import: {again.summary()}")
    print(f"second import wrote nothing: {wrote_nothing}")
    ratio = import_s / parse_s
    print(f"summary: import {args.entries} entries {import_s:.2f} s = {ratio:.1f}x the parse")
    return 0 if wrote_nothing and len(entries) == args.entries else 1


if __name__ == "__main__":
    sys.exit(main())
