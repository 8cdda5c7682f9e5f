"""A large, realistic data set for benchmarks, written in bulk."""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.changes import content_changed
from cv.metrics import deferred_figures
from events.models import Event, Talk, TalkSpeaker
from profiles import cards
from profiles.models import Researcher
from publications import rendering
from publications.models import Authorship, CitationCount, Publication, Venue
from scholarfolio.search import search_vectors_rebuild

PROLIFIC = 300
PAPER_KINDS = [
    Publication.Kind.JOURNAL_ARTICLE,
    Publication.Kind.CONFERENCE_PAPER,
    Publication.Kind.PREPRINT,
]
WORDS = [
    "adaptive",
    "gradient",
    "descent",
    "implicit",
    "regularization",
    "neural",
    "network",
    "loss",
    "landscape",
    "condensation",
    "transformer",
    "attention",
    "optimization",
    "stochastic",
    "convergence",
    "spike",
    "generalization",
    "kernel",
    "regime",
    "embedding",
    "principle",
    "frequency",
    "bias",
    "matrix",
    "factorization",
    "sharpness",
    "minima",
    "flatness",
    "learning",
    "rate",
    "warmup",
    "scaling",
    "law",
    "language",
    "model",
    "theory",
]
FAMILY = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Luo",
]
GIVEN = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Lei",
    "Jun",
    "Yan",
    "Hao",
    "Tao",
    "Ming",
    "Xin",
    "Yu",
    "Zhen",
    "Qing",
    "Kai",
    "Bo",
    "Rui",
    "Yi",
]


class Command(BaseCommand):
    help = "Fill the database with N researchers and M papers (authorships, citations, talks)."

    def add_arguments(self, parser):
        parser.add_argument("--researchers", type=int, default=1000)
        parser.add_argument("--papers", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, researchers, papers, seed, **options):
        if researchers < 1 or papers < 0:
            raise CommandError("Give at least one researcher and no negative number of papers.")
        if Researcher.objects.filter(slug__startswith="gen-").exists():
            raise CommandError("Generated data is already here; start from an empty database.")
        rng = random.Random(seed)
        # The researchers' stored figures once at the end, after ANALYZE.
        with transaction.atomic(), deferred_figures():
            people = self.people(rng, researchers)
            self.papers(rng, papers, people)
            self.talks(rng, people)
            content_changed()
            counts = search_vectors_rebuild()
            # Written past the signals: the papers' keys, fragments and the list's counts.
            rendered = rendering.render_all()
            cards.render_all()
            with connection.cursor() as cursor:
                # Fresh statistics, or the planner guesses at row counts after a bulk load.
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {len(people)} researchers and {papers} papers; search vectors: {counts}; "
            f"{rendered} papers rendered."
        )

    def people(self, rng, count):
        rows = []
        for n in range(count):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            rows.append(
                Researcher(
                    slug=f"gen-{n}",
                    full_name=f"{given} {family}",
                    given_name=given,
                    family_name=family,
                    is_member=n % 10 == 0,
                    role=Researcher.Role.PHD if n % 10 == 0 else Researcher.Role.EXTERNAL,
                    headline="Ph.D. Student" if n % 10 == 0 else "",
                    bio=" ".join(rng.choices(WORDS, k=60)),
                )
            )
        return Researcher.objects.bulk_create(rows, batch_size=2000)

    def papers(self, rng, count, people):
        venues = Venue.objects.bulk_create(
            Venue(
                slug=f"gen-venue-{n}",
                name=f"Journal of {WORDS[n % len(WORDS)].title()} {n}",
                kind=Venue.Kind.JOURNAL,
            )
            for n in range(40)
        )
        rows = []
        for n in range(count):
            year = rng.randint(2005, 2026)
            rows.append(
                Publication(
                    slug=f"gen-paper-{n}",
                    title=" ".join(rng.choices(WORDS, k=8)).capitalize(),
                    kind=rng.choice(PAPER_KINDS),
                    status=Publication.Status.PUBLISHED,
                    venue=rng.choice(venues),
                    year=year,
                    date=datetime.date(year, rng.randint(1, 12), 1),
                    doi=f"10.5555/gen.{n}" if n % 3 else "",
                    arxiv_id=f"{year % 100:02d}{rng.randint(1, 12):02d}.{n:05d}" if n % 2 else "",
                    abstract=" ".join(rng.choices(WORDS, k=150)),
                    citation_count=int(rng.paretovariate(1.2)) - 1,
                    featured=n % 50 == 0,
                )
            )
        papers = Publication.objects.bulk_create(rows, batch_size=2000)
        # Members write many papers, as a group's site has it: a few people with long lists.
        # The first member writes exactly PROLIFIC of them: the benchmark's long profile.
        members = [p for p in people if p.is_member]
        prolific = members[0] if members else None
        pool = [p for p in people if p is not prolific]
        others = [p for p in members if p is not prolific]
        authorships, citations = [], []
        for n, paper in enumerate(papers):
            authors = rng.sample(pool, k=min(len(pool), rng.randint(2, 7)))
            member = None
            if prolific is not None and n < PROLIFIC:
                member = prolific
            elif others and rng.random() < 0.8:
                member = rng.choice(others)
            if member is not None and member not in authors:
                authors[0] = member
            for position, person in enumerate(authors, start=1):
                authorships.append(
                    Authorship(
                        publication=paper,
                        researcher=person,
                        position=position,
                        equal_contribution=position <= 2 and rng.random() < 0.2,
                        corresponding=position == len(authors),
                    )
                )
            for year in range(paper.year, min(paper.year + 4, 2027)):
                citations.append(
                    CitationCount(publication=paper, year=year, count=rng.randint(0, 20))
                )
        Authorship.objects.bulk_create(authorships, batch_size=5000)
        CitationCount.objects.bulk_create(citations, batch_size=5000)

    def talks(self, rng, people):
        series = Event.objects.create(
            slug="gen-seminar", name="Generated Seminar", kind=Event.Kind.SEMINAR_SERIES
        )
        members = [p for p in people if p.is_member] or people
        talks = Talk.objects.bulk_create(
            Talk(
                slug=f"gen-talk-{n}",
                title=" ".join(rng.choices(WORDS, k=6)).capitalize(),
                kind=Talk.Kind.SEMINAR,
                event=series,
                date=datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000)),
                abstract=" ".join(rng.choices(WORDS, k=80)),
            )
            for n in range(len(members) * 2)
        )
        TalkSpeaker.objects.bulk_create(
            TalkSpeaker(talk=talk, researcher=rng.choice(members)) for talk in talks
        )
