"""BibTeX keys that are the same in every download of a paper, stored in
``Publication.bibtex_key`` (unique by a constraint) and never changed once chosen.

A paper takes the key it was imported under (``citation_key``) when no other paper has it,
else ``bibtex.citation_key``'s ('bai2024connectivity'); a key another paper already has
gets b, c, ... (the first free one), so a later paper never changes an earlier one's key.
The key is chosen when the paper is first rendered (publications.rendering) with an author
or an imported key: a paper made through the ORM gets its authors after its row, and a key
chosen before them would name nobody ('anon2024...'). Until then its entries use
``bibtex.citation_key``'s key, made unique per file.
"""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import Q

from publications import bibtex
from publications.citation import person

# Above this many names asked about at once, reading every key is cheaper than a prefix
# lookup for each.
PREFIX_LOOKUPS = 100
by_pk = attrgetter("pk")


def wanted_key(paper) -> str:
    """The key a paper fetched with its authorships asks for; "" while it has neither an
    imported key nor an author to make one from."""
    if paper.citation_key:
        return paper.citation_key
    authors = paper.authorships.all()
    if not authors:
        return ""
    first = (person(authors[0]),)
    return bibtex.citation_key(bibtex.Citation(paper.kind, paper.title, first, paper.year))


def first_free(base: str, taken: set[str]) -> str:
    """``base`` if nobody has it, else the first of base + b, c, ... that is free."""
    if base not in taken:
        return base
    suffixes = (bibtex._suffix(n) for n in itertools.count(1))
    return next(base + suffix for suffix in suffixes if base + suffix not in taken)


def taken_keys(model, bases: Iterable[str] | None = None) -> set[str]:
    """The stored keys that ``bases`` or their suffixed forms could be; every stored key
    without ``bases``. One query."""
    keys = model._default_manager.exclude(bibtex_key=None)
    if bases is not None:
        bases = set(bases)
        if len(bases) <= PREFIX_LOOKUPS:
            # A prefix scan on the key's text_pattern_ops index for each.
            prefixes = Q(pk__in=[])
            for base in bases:
                prefixes |= Q(bibtex_key__startswith=base)
            keys = keys.filter(prefixes)
    return set(keys.values_list("bibtex_key", flat=True))


def wanting(papers: list) -> list:
    """Those of ``papers`` (fetched with their authorships) that have no key and ask for one."""
    return [paper for paper in papers if paper.bibtex_key is None and wanted_key(paper)]


def assign_keys(papers: list, taken: set[str] | None = None) -> list:
    """Gives each of ``papers`` (fetched with their authorships, in no particular order)
    that has no key yet the one it asks for, or the first free suffixed form, first come
    by primary key; returns those given one. Does not save them. ``taken``: the stored keys
    if the caller has read them (``taken_keys()``), kept up to date with those given."""
    asking = [(paper, wanted_key(paper)) for paper in sorted(wanting(papers), key=by_pk)]
    if not asking:
        return []
    if taken is None:
        taken = taken_keys(type(asking[0][0]), {wanted for _, wanted in asking})
    for paper, wanted in asking:
        paper.bibtex_key = first_free(wanted, taken)
        taken.add(paper.bibtex_key)
    return [paper for paper, _ in asking]


@dataclass(frozen=True)
class KeyedRow:
    """What choosing the keys of the papers stored before keys were (migration 0009) reads
    of one paper."""

    pk: int
    public: bool
    imported: str  # citation_key
    generated: str  # bibtex.citation_key's, from the first author; "anon..." with none
    has_authors: bool


def backfilled_keys(rows: list[KeyedRow]) -> dict[int, str]:
    """Publication pk -> key, as the site gave them in downloads before keys were stored.

    Then a public paper's key was its imported one, else its generated one, where among
    the public papers generating the same key the first by pk kept it and later ones got
    b, c, ... (counted over every public paper, imported or not). Those keys are kept. Two
    could clash, and a file holding both gave the later a letter: an imported key that
    another paper was imported under first, or a generated key that is another's imported
    one (the imported key wins, as it did in files). Such a paper takes the first free
    letter that no other paper's kept key has. Papers that are not public had no stable
    key: they take theirs after every public one. A paper with neither an imported key nor
    an author gets none yet, as a new one would not.
    """
    rows = sorted(rows, key=lambda row: row.pk)
    public = [row for row in rows if row.public]
    stable = dict(
        zip(
            (row.pk for row in public),
            bibtex.stable_keys([row.generated for row in public]),
            strict=True,
        )
    )
    kept = [
        *((row, row.imported) for row in public if row.imported),
        *((row, stable[row.pk]) for row in public if not row.imported and row.has_authors),
    ]
    hidden = [
        (row, row.imported or row.generated)
        for row in rows
        if not row.public and (row.imported or row.has_authors)
    ]
    wanted = {key for _, key in kept}
    taken: set[str] = set()
    keys = {}
    for row, key in [*kept, *hidden]:
        keys[row.pk] = key if key not in taken else first_free(key, taken | wanted)
        taken.add(keys[row.pk])
    return keys
