"""BibTeX keys that are the same in every download of a paper: the key it was imported
under, else one made from it.

``bibtex.citation_key`` gives 'bai2024connectivity'. Among public papers that share such a
key, the first added (by primary key) keeps it and later ones get b, c, ..., counted over
every public paper of that year rather than over the papers of one file: a paper keeps its
key in its own .bib, its authors' files, the site's file and the API's pages, and a paper
added later never changes it (hiding or deleting an earlier namesake can).
"""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject

from profiles.models import Researcher
from publications import bibtex
from publications.citation import citation, person
from publications.models import Authorship, Publication


def citation_keys(publications: list[Publication]) -> dict[int, str]:
    """Publication pk -> key for every public paper of the years of ``publications``;
    one query however many papers."""
    years = {publication.year for publication in publications}
    first_author = (
        Authorship.objects.filter(publication=OuterRef("pk"))
        .order_by("position")
        .values(
            name=JSONObject(
                printed_name="printed_name",
                full_name="researcher__full_name",
                family_name="researcher__family_name",
                given_name="researcher__given_name",
            )
        )[:1]
    )
    rows = (
        Publication.objects.public()
        .filter(year__in=years)
        .order_by("pk")
        .annotate(first_author=Subquery(first_author))
        .values_list("pk", "kind", "title", "year", "first_author")
    )
    pks, keys = [], []
    for pk, kind, title, year, name in rows:
        authors = (_person(name),) if name else ()
        keys.append(bibtex.citation_key(bibtex.Citation(kind, title, authors, year)))
        pks.append(pk)
    return dict(zip(pks, bibtex.stable_keys(keys), strict=True))


def _person(name: dict) -> bibtex.Person:
    # citation.person reads an authorship; these unsaved rows carry just what it reads.
    researcher = Researcher(
        full_name=name["full_name"],
        family_name=name["family_name"],
        given_name=name["given_name"],
    )
    return person(Authorship(printed_name=name["printed_name"], researcher=researcher))


def keyed_citations(publications: list[Publication]) -> list[bibtex.Citation]:
    """BibTeX data of papers fetched ``with_authors()``, each under its stable key."""
    keys = citation_keys(publications)
    # A paper keeps the key it was imported under; a paper that is not public has no stable
    # key: citation_key's, made unique per file. A stable key that is another paper's
    # original key in this file gets a letter, as later namesakes do.
    chosen = [p.citation_key or keys.get(p.pk, "") for p in publications]
    originals = {p.citation_key for p in publications if p.citation_key}
    seen: set[str] = set()
    result = []
    for paper, key in zip(publications, chosen, strict=True):
        if key and (key in seen or (not paper.citation_key and key in originals)):
            key = next(
                f"{key}{suffix}"
                for suffix in (bibtex._suffix(n) for n in range(1, 10_000))
                if f"{key}{suffix}" not in seen and f"{key}{suffix}" not in originals
            )
        if key:
            seen.add(key)
        result.append(citation(paper, key))
    return result
