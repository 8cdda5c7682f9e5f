"""Render on write: what pages and downloads show of a paper, made when it changes.

A paper's rendered title and abstract, its citation entry as lists show it, its BibTeX
entry, its CSL-JSON item and its JSON in the API (publications.api) are pure functions of
the paper, its authorships, their researchers and its venue. ``render_now`` makes them
and stores them on the row (with the paper's BibTeX key the first time:
publications.citekeys), so a page of 300 papers reads 300 rows instead of formatting 300
entries. publications.signals calls it, through ``changed`` (which also recounts the
list's stored facets: publications.facets), when a paper, an authorship, a venue or a
researcher's names, slug, ORCID iD, membership or visibility change, for the papers
concerned only; bulk writes call ``written_in_bulk`` or ``render_all`` after
(``manage.py render_publications``).

The stored entry is the same on every page: no owner marked. A profile shows its owner in
bold instead of linked, which ``entry_for`` does to the stored HTML (their link is the
only ``<a href="their profile">`` in it). A researcher who is hidden, a draft, or no
member has no link in any entry, as no page of theirs may be pointed at.
"""

import itertools
import json
import re
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from core.markup import (
    MATH_ATTRIBUTES,
    MATH_TAGS,
    plain_text,
    render_inline_math,
    render_markdown,
)
from publications import bibtex, bulk, citekeys, facets
from publications.citation import citation
from publications.csl import csl_item
from publications.models import Authorship, CitationCount, Publication

# What the stored fragments read of a researcher and of a venue: a change to any of
# these renders that researcher's or venue's papers again.
RESEARCHER_FIELDS = (
    "full_name", "given_name", "family_name", "native_name", "orcid", "slug", "is_member",
    "visibility",
)  # fmt: skip
VENUE_FIELDS = ("name", "short_name", "publisher", "slug")
# ... and of the paper itself, named rather than "all but", so that the migration that
# first rendered the stored rows reads only columns it knows.
PAPER_FIELDS = (
    "slug", "title", "kind", "status", "venue", "venue_detail", "volume", "issue", "pages",
    "article_number", "year", "date", "doi", "arxiv_id", "arxiv_category", "url", "pdf_url",
    "code_url", "abstract", "page_count", "note", "keywords", "featured", "citation_key",
    "month", "et_al", "pmid", "publisher", "series", "address", "issn", "isbn", "venue_abbr",
    "award_name", "award", "full_note", "preview", "annotation", "additional_info",
    "google_scholar_id", "altmetric", "dimensions", "bibtex_show", "links", "extra_fields",
    "bibtex_key", "citation_count", "arxiv_date",
)  # fmt: skip
STORED_FIELDS = [
    "bibtex_key",
    "rendered_title",
    "rendered_abstract",
    "rendered_entry",
    "bibtex",
    "csl_json",
    "plain_title",
    "api_json",
]
# The stored texts, which a page that shows none of them defers.
STORED_TEXTS = STORED_FIELDS[1:]
CHUNK = 500

# What an entry may hold: its own few tags, and the MathML of its title.
ENTRY_TAGS = {"a", "abbr", "details", "div", "em", "img", "span", "summary", "sup"} | MATH_TAGS
ENTRY_ATTRIBUTES = {
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "sup": {"title"},
} | MATH_ATTRIBUTES
ENTRY_CLASSES = {
    "a": {"title", "button"},
    "abbr": {"venue-badge"},
    "details": {"more-authors"},
    "div": {
        "entry",
        "entry-side",
        "entry-main",
        "entry-title",
        "authors",
        "entry-venue",
        "entry-links",
    },
    "img": {"preview"},
    "span": {"badge", "status", "award", "cited", "source"},
}
# A longer author list shows its first AUTHORS_SHOWN names and "and N more" to unfold.
AUTHORS_COLLAPSED_ABOVE = 10
AUTHORS_SHOWN = 8


def rendered_papers():
    """Papers with what their fragments read and no more, in a fixed number of queries."""
    authorships = (
        Authorship.objects.select_related("researcher")
        .only(
            "publication",
            "position",
            "printed_name",
            "equal_contribution",
            "corresponding",
            "other_marks",
            "researcher",
            *(f"researcher__{name}" for name in RESEARCHER_FIELDS),
        )
        .order_by("position")
    )
    sources = CitationCount.objects.only("publication", "source").order_by("source")
    return (
        Publication.objects.select_related("venue")
        .only(*PAPER_FIELDS, *(f"venue__{name}" for name in VENUE_FIELDS))
        .prefetch_related(
            Prefetch("authorships", queryset=authorships),
            Prefetch("citation_counts", queryset=sources),
        )
    )


def clean_entry(html: str) -> str:
    """The entry through the sanitiser: only its own markup and the title's math stay."""
    return nh3.clean(
        html,
        tags=ENTRY_TAGS,
        attributes=ENTRY_ATTRIBUTES,
        allowed_classes=ENTRY_CLASSES,
        url_schemes={"http", "https", "ftp", "ftps"},
        link_rel=None,
    )


def entry_buttons(paper: Publication) -> list[tuple[str, str]]:
    """(label, URL) of an entry's link buttons: its PDF (arXiv's if it has none of its
    own), the other typed links in al-folio's order, then the DOI and arXiv pages."""
    buttons = [("PDF", paper.pdf_link)] if paper.pdf_link else []
    buttons += [(label, url) for label, url in paper.typed_links if label != "PDF"]
    if paper.doi:
        buttons.append(("DOI", paper.doi_url))
    if paper.arxiv_id:
        buttons.append(("arXiv", paper.arxiv_url))
    return buttons


def entry_context(paper: Publication) -> dict:
    """What _entry.html shows besides the paper's own fields."""
    authorships = list(paper.authorships.all())
    shown, hidden = authorships, []
    if len(authorships) > AUTHORS_COLLAPSED_ABOVE:
        shown, hidden = authorships[:AUTHORS_SHOWN], authorships[AUTHORS_SHOWN:]
    venue = paper.venue
    return {
        "publication": paper,
        "shown_authors": shown,
        "hidden_authors": hidden,
        "badge": paper.venue_abbr or (venue.short_name if venue else ""),
        "badge_title": paper.venue_detail or (venue.name if venue else ""),
        "buttons": entry_buttons(paper),
        "award": paper.award_name or ("Award" if paper.award else ""),
        "citation_source": ", ".join(
            dict.fromkeys(count.source for count in paper.citation_counts.all() if count.source)
        ),
    }


def _fragments(paper: Publication) -> dict[str, str]:
    """Every stored fragment but the BibTeX entry, which waits for the key. Written in the
    site's default language whatever the editor's (the admin may be in Chinese): one stored
    entry serves every page, and the fields a paper has are not translated. The API's
    JSON is one per language, as it holds the addresses of pages."""
    # Not at the top: publications.api formats its downloads with this module.
    from publications.api import stored_representations

    with translation.override(settings.LANGUAGE_CODE):
        fragments = _fragments_in_language(paper)
    fragments["api_json"] = json.dumps(stored_representations(paper), ensure_ascii=False)
    return fragments


def _fragments_in_language(paper: Publication) -> dict[str, str]:
    rendered_title = mark_safe(render_inline_math(paper.title))  # the sanitiser's output
    entry = render_to_string(
        "publications/includes/_entry.html",
        {**entry_context(paper), "rendered_title": rendered_title},
    )
    return {
        "rendered_title": rendered_title,
        "rendered_abstract": render_markdown(paper.abstract) if paper.abstract else "",
        "rendered_entry": clean_entry(entry).strip(),
        "csl_json": json.dumps(csl_item(paper), ensure_ascii=False),
        "plain_title": plain_text(paper.title),
    }


def _write(papers: list[Publication], taken: set[str] | None, columns: list[str]) -> None:
    fragments = {paper.pk: _fragments(paper) for paper in papers}
    for attempt in itertools.count(1):
        keyed = []
        try:
            with transaction.atomic():
                keyed = citekeys.assign_keys(papers, taken)
                rows = []
                for paper in papers:
                    values = {
                        **fragments[paper.pk],
                        "bibtex_key": paper.bibtex_key,
                        "bibtex": bibtex.format_entry(citation(paper)),
                    }
                    rows.append((paper.pk, *(values[name] for name in columns)))
                bulk.update_columns(Publication, columns, rows)
            return
        except IntegrityError:
            # Another transaction took one of these keys since they were looked up: ask
            # again which are free.
            for paper in keyed:
                paper.bibtex_key = None
            taken = None
            if attempt == 3:
                raise


def render_now(pks: Iterable[int], columns: list[str] = STORED_FIELDS) -> int:
    """Renders and stores the fragments of the papers ``pks`` now; returns how many.
    ``columns`` for a migration, which may store only those its table has."""
    pks = sorted(set(pks))
    taken = None
    done = 0
    for start in range(0, len(pks), CHUNK):
        papers = list(rendered_papers().filter(pk__in=pks[start : start + CHUNK]))
        if taken is None and len(pks) > citekeys.PREFIX_LOOKUPS and citekeys.wanting(papers):
            # Many papers at once read every key once, not their namesakes chunk by chunk.
            taken = citekeys.taken_keys(Publication)
        _write(papers, taken, columns)
        done += len(papers)
    return done


def written_in_bulk(pks: Iterable[int]) -> int:
    """After papers ``pks`` (or their authorships) were written past the signals: renders
    them and counts every facet afresh; returns how many papers."""
    done = render_now(pks)
    facets.recount_all()
    return done


def render_all() -> int:
    """Every paper's fragments and every facet count afresh, after bulk writes."""
    return written_in_bulk(Publication.objects.values_list("pk", flat=True))


@dataclass
class Pending:
    papers: set[int] = field(default_factory=set)
    facets: dict[str, set] = field(default_factory=dict)


_pending: ContextVar[Pending | None] = ContextVar("renders_pending", default=None)


def changed(papers: Iterable[int] = (), **facet_keys: Iterable) -> None:
    """The papers ``papers`` and the facet values ``facet_keys`` (as facets.recount takes
    them) changed: renders and recounts them now, or at the end of the ``batched()`` block
    this runs in."""
    pending = _pending.get()
    if pending is None:
        render_now(papers)
        facets.recount(**facet_keys)
        return
    pending.papers.update(papers)
    for facet, keys in facet_keys.items():
        pending.facets.setdefault(facet, set()).update(keys)


@contextmanager
def batched():
    """Renders each paper that changes inside the block once, at its end, rather than at
    each of its changes: a paper saved with ten authors, or whose author list is given
    before its first author, is rendered once, with all of them."""
    if _pending.get() is not None:
        yield
        return
    pending = Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    render_now(pending.papers)
    facets.recount(**pending.facets)


def researcher_changed(researcher) -> None:
    """What shows the researcher's name and link: their papers' fragments and their line
    among the authors the list filters by. For changes that send no signal, as a merge's
    moved authorships."""
    changed(
        Authorship.objects.filter(researcher=researcher).values_list("publication", flat=True),
        author=[researcher.pk],
    )


def _profile_link(researcher) -> str:
    # Made once per researcher instance: a profile marks its owner in each of its papers.
    link = researcher.__dict__.get("_entry_profile_link")
    if link is None:
        link = researcher.__dict__["_entry_profile_link"] = (
            f'<a href="{researcher.get_absolute_url()}">'
        )
    return link


def entry_for(publication: Publication, owner=None) -> SafeString:
    """The paper's stored entry (sanitised when stored); with ``owner``, a researcher with
    a profile, their name in ``<strong class="me">`` in place of their link, as their own
    pages show them. Exact and cheap: their link is the one ``<a href="their profile">``
    of the entry (the title's link has a class, the others are absolute URLs)."""
    html = publication.rendered_entry
    if owner is not None:
        link = _profile_link(owner)
        start = html.find(link)
        if start >= 0:
            end = html.index("</a>", start)
            name = html[start + len(link) : end]
            html = f'{html[:start]}<strong class="me">{name}</strong>{html[end + 4 :]}'
    return mark_safe(html)


# An entry's first line, as bibtexparser writes it: "@article{bai2024deep,".
_FIRST_LINE = re.compile(r"^(@[^{]*\{)([^,\n]*),")


def bibtex_file(papers: Iterable[Publication]) -> str:
    """The stored BibTeX entries of ``papers`` as one .bib file. Stored keys are unique; a
    paper still without one (no author, no imported key) has ``bibtex.citation_key``'s,
    given a letter here if an entry before it in the file has it."""
    papers = list(papers)
    seen = {paper.bibtex_key for paper in papers if paper.bibtex_key}
    entries = []
    for paper in papers:
        text = paper.bibtex
        if not paper.bibtex_key and (match := _FIRST_LINE.match(text)):
            key = citekeys.first_free(match[2], seen)
            seen.add(key)
            text = f"{match[1]}{key},{text[match.end() :]}"
        entries.append(text)
    return "\n".join(entries) or "\n"


def csl_items(papers: Iterable[Publication]) -> list[dict]:
    """The stored CSL-JSON items of ``papers``."""
    return [json.loads(paper.csl_json) for paper in papers]
