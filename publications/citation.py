"""How a publication is cited: BibTeX data, Google Scholar meta tags, schema.org JSON-LD.

Every function reads a publication fetched ``with_authors()``, so none of them queries.
"""

import re
from collections.abc import Callable

from core.markup import plain_text
from core.models import Visibility
from core.signposting import Signpost, schema_type
from publications import bibtex
from publications.models import Authorship, Publication, Venue

PDF = "application/pdf"
BIBTEX = "application/x-bibtex"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def person(authorship: Authorship) -> bibtex.Person:
    """Family and given name as printed on this paper, and its flags."""
    researcher = authorship.researcher
    flags = {
        "equal": authorship.equal_contribution,
        "corresponding": authorship.corresponding,
        "other_marks": authorship.other_marks,
    }
    if not authorship.printed_name and researcher.family_name:
        return bibtex.Person(family=researcher.family_name, given=researcher.given_name, **flags)
    given, _, family = authorship.display_name.strip().rpartition(" ")
    return bibtex.Person(family=family, given=given, **flags)


def has_profile(authorship: Authorship) -> bool:
    return authorship.researcher.has_profile


def venue_name(publication: Publication) -> str:
    if publication.venue_detail:
        return publication.venue_detail
    return publication.venue.name if publication.venue else ""


def pdf_url(publication: Publication) -> str:
    return publication.pdf_link


def page_range(pages: str) -> tuple[str, str]:
    """'350-389' -> ('350', '389'); a single page or article id has no last page."""
    first, _, last = re.sub(r"\s*[-–—]+\s*", "-", pages.strip()).partition("-")
    return first, last


def citation(publication: Publication, key: str = "") -> bibtex.Citation:
    """``key`` for the entry's; by default the paper's stored key, else its imported one."""
    return bibtex.Citation(
        kind=publication.kind,
        title=publication.title,
        authors=tuple(person(a) for a in publication.authorships.all()),
        year=publication.year,
        venue=venue_name(publication),
        publisher=publication.publisher
        or (publication.venue.publisher if publication.venue else ""),
        volume=publication.volume,
        issue=publication.issue,
        pages=publication.pages,
        article_number=publication.article_number,
        doi=publication.doi,
        arxiv_id=publication.arxiv_id,
        arxiv_category=publication.arxiv_category,
        url=publication.url or publication.arxiv_url,
        note=publication.note or publication.full_note,
        key=key or publication.bibtex_key or publication.citation_key,
        et_al=publication.et_al,
        month=publication.month or (publication.date.month if publication.date else None),
        date=publication.date.isoformat() if publication.date else "",
        series=publication.series,
        address=publication.address,
        issn=publication.issn,
        isbn=publication.isbn,
        page_count=publication.page_count,
        pmid=publication.pmid,
        abstract=publication.abstract,
        keywords=tuple(publication.keywords),
        venue_abbr=publication.venue_abbr,
        featured=publication.featured,
        bibtex_show=publication.bibtex_show,
        award=publication.award,
        award_name=publication.award_name,
        preview=publication.preview,
        annotation=publication.annotation,
        additional_info=publication.additional_info,
        google_scholar_id=publication.google_scholar_id,
        altmetric=publication.altmetric,
        dimensions=publication.dimensions,
        links=tuple(
            (kind, url)
            for kind, url in {
                **publication.links,
                **({"pdf": publication.pdf_url} if publication.pdf_url else {}),
                **({"code": publication.code_url} if publication.code_url else {}),
            }.items()
        ),
        extra=tuple(publication.extra_fields.items()),
    )


def _venue_tag(publication: Publication) -> str:
    """The Scholar tag naming the venue: by the venue's kind, else by the paper's."""
    kind = publication.venue.kind if publication.venue else ""
    if kind == Venue.Kind.JOURNAL or (
        not kind and publication.kind == Publication.Kind.JOURNAL_ARTICLE
    ):
        return "citation_journal_title"
    conference_kinds = {Venue.Kind.CONFERENCE, Venue.Kind.WORKSHOP}
    paper_kinds = {Publication.Kind.CONFERENCE_PAPER, Publication.Kind.WORKSHOP_PAPER}
    if kind in conference_kinds or (not kind and publication.kind in paper_kinds):
        return "citation_conference_title"
    if publication.kind == Publication.Kind.THESIS:
        return "citation_dissertation_institution"
    if publication.kind == Publication.Kind.REPORT:
        return "citation_technical_report_institution"
    return ""


def scholar_meta(publication: Publication) -> list[tuple[str, str]]:
    """Google Scholar's citation_* tags, in the order its inclusion guidelines list them."""
    date = publication.date
    first_page, last_page = page_range(publication.pages)
    tags = [
        ("citation_title", title(publication)),
        *(("citation_author", _scholar_name(person(a))) for a in publication.authorships.all()),
        (
            "citation_publication_date",
            f"{date:%Y/%m/%d}" if date else str(publication.year),
        ),
        (_venue_tag(publication), venue_name(publication)),
        ("citation_volume", publication.volume),
        ("citation_issue", publication.issue),
        ("citation_firstpage", first_page),
        ("citation_lastpage", last_page),
        ("citation_doi", publication.doi),
        ("citation_arxiv_id", publication.arxiv_id),
        ("citation_pdf_url", pdf_url(publication)),
    ]
    return [(name, value) for name, value in tags if name and value]


def _scholar_name(name: bibtex.Person) -> str:
    return f"{name.family}, {name.given}" if name.given else name.family


def title(publication: Publication) -> str:
    """The title as plain text (math written out in Unicode), for tags that take no markup."""
    return publication.plain_title or plain_text(publication.title)


def public_orcid(authorship: Authorship) -> str:
    """The author's ORCID iD URL, if they are public: a hidden person's stays private."""
    researcher = authorship.researcher
    if researcher.orcid and researcher.visibility == Visibility.PUBLIC:
        return f"https://orcid.org/{researcher.orcid}"
    return ""


def scholarly_article(publication: Publication, absolute_url: Callable[[str], str]) -> dict:
    """schema.org ScholarlyArticle; ``absolute_url`` turns a path into a full URL. An author
    with a public ORCID iD is identified by it (``@id``), as Google and ORCID read it."""
    authors = []
    for authorship in publication.authorships.all():
        author = {"@type": "Person", "name": authorship.display_name}
        if orcid := public_orcid(authorship):
            author["@id"] = orcid
        if has_profile(authorship):
            author["url"] = absolute_url(authorship.researcher.get_absolute_url())
        authors.append(author)
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": title(publication),
        "headline": title(publication),
        "author": authors,
        "datePublished": publication.date.isoformat()
        if publication.date
        else str(publication.year),
        "url": absolute_url(publication.get_absolute_url()),
    }
    if publication.abstract:
        data["abstract"] = plain_text(publication.abstract)
    if venue := venue_name(publication):
        is_journal = publication.venue and publication.venue.kind == Venue.Kind.JOURNAL
        data["isPartOf"] = {"@type": "Periodical" if is_journal else "CreativeWork", "name": venue}
        if is_journal and publication.venue.issn:
            data["isPartOf"]["issn"] = publication.venue.issn
    if publication.pages:
        data["pagination"] = publication.pages
    if publication.keywords:
        data["keywords"] = publication.keywords
    if pdf := pdf_url(publication):
        data["encoding"] = {"@type": "MediaObject", "contentUrl": pdf, "encodingFormat": PDF}
    same_as = [url for url in (publication.doi_url, publication.arxiv_url) if url]
    if same_as:
        data["sameAs"] = same_as
    if publication.doi:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "DOI",
            "value": publication.doi,
        }
    return data


def signposts(publication: Publication, bibtex_url: str, csl_json_url: str) -> list[Signpost]:
    """The paper page's Signposting: its DOI (else its arXiv page) as what to cite, each
    public ORCID iD among its authors, its BibTeX and CSL-JSON records, its PDF, and the
    page's types. The two record URLs are absolute (the site's exports)."""
    posts = []
    if cite_as := publication.doi_url or publication.arxiv_url:
        posts.append(Signpost(cite_as, "cite-as"))
    posts += [
        Signpost(orcid, "author")
        for orcid in dict.fromkeys(public_orcid(a) for a in publication.authorships.all())
        if orcid
    ]
    posts += [Signpost(bibtex_url, "describedby", BIBTEX)]
    posts += [Signpost(csl_json_url, "describedby", CSL_JSON)]
    if pdf := pdf_url(publication):
        posts.append(Signpost(pdf, "item", PDF))
    posts += [schema_type("ScholarlyArticle"), schema_type("AboutPage")]
    return posts
