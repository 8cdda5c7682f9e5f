"""A Hugo Blox (Wowchemy, Hugo Academic) site into the database: the site owner's author
profile and every paper under ``content/publication(s)/``.

The owner is the author whose folder or file is ``admin`` or ``me`` (or who says
``superuser: true`` / ``is_owner: true``), read from ``content/authors/<name>/_index.md``
(YAML ``---`` or TOML ``+++`` front matter, the page's text as the bio) or from Hugo Blox's
``data/authors/<name>.yaml``; it is written by cv/profile_import.py as any CV is. Each paper
is a folder with ``index.md`` (or a lone ``<name>.md``) and perhaps ``cite.bib``: the front
matter wins over the BibTeX, and a paper without ``cite.bib`` still imports. Papers go
through the BibTeX importer, so authors are matched and papers found again as every import
does. A paper that cannot be read (broken front matter, no title, no date) is skipped and
named; the rest imports.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.validators import normalize_arxiv_id, normalize_doi
from cv.profile_formats import (
    classify_link,
    description,
    link_line,
    load_yaml,
    thesis_and_advisors,
)
from cv.profile_import import Org, Profile, ProfileReport, import_profile, partial_date, text
from profiles.models import Researcher
from publications.bibtex_reader import Options, parse_marks, person_name, read_file, take_marks
from publications.records import NO_DEADLINE, Deadline, ImportProblem, Notice, ParsedWork

OWNER_NAMES = ("admin", "me")
# Stands for the owner in author lists until the import knows whom the site is for.
OWNER = "\x00owner"
CSL_KINDS = {
    "article-journal": "article",
    "paper-conference": "conference",
    "article": "preprint",
    "manuscript": "preprint",
    "report": "report",
    "book": "book",
    "chapter": "chapter",
    "thesis": "thesis",
    "patent": "report",
}
# Hugo Academic's numbered types: 0 uncategorized, 1 conference paper, 2 journal article,
# 3 preprint / working paper, 4 report, 5 book, 6 book section, 7 thesis, 8 patent.
NUMBERED_KINDS = {
    "1": "conference",
    "2": "article",
    "3": "preprint",
    "4": "report",
    "5": "book",
    "6": "chapter",
    "7": "thesis",
    "8": "report",
}
# Hugo's link types -> the site's typed links (Publication.links, LINK_LABELS); the others
# keep their own name.
LINK_TYPES = {
    "pdf": "pdf",
    "code": "code",
    "slides": "slides",
    "poster": "poster",
    "video": "video",
    "project": "website",
    "source": "html",
    "supplementary": "supp",
    "blog": "blog",
}
PLACEHOLDER_URLS = ("", "#", "/")
# Front matter that only lays out Hugo's page: read, kept nowhere.
PAGE_ONLY = {
    "publishDate", "lastmod", "draft", "image", "image_preview", "slides", "math",
    "highlight", "weight", "layout", "share", "profile", "commentable", "editable",
    "summary_image", "header", "type", "show_related", "diagram",
}  # fmt: skip
PAPER_FIELDS = {
    "title", "subtitle", "authors", "author_notes", "date", "doi", "publication_types",
    "publication", "publication_short", "abstract", "summary", "tags", "categories",
    "featured", "selected", "links", "projects", "hugoblox", "url", "url_pdf", "url_code",
    "url_dataset", "url_poster", "url_project", "url_slides", "url_source", "url_video",
    "url_preprint", "pages", "volume", "issue",
}  # fmt: skip


@dataclass
class Site:
    profile: Profile
    has_owner: bool
    skipped: list[Notice] = field(default_factory=list)


def front_matter(raw: str) -> tuple[dict, str]:
    """YAML between ``---`` or TOML between ``+++`` lines; ValueError saying why not."""
    raw = raw.lstrip("\ufeff")
    match = re.match(r"\s*(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n\1[ \t]*(?:\r?\n|$)(.*)", raw, re.S)
    if not match:
        raise ValueError("no front matter (--- YAML --- or +++ TOML +++ at the top)")
    fence, head, body = match.groups()
    if fence == "+++":
        try:
            data = tomllib.loads(head)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"the TOML front matter cannot be read: {error}") from None
    else:
        try:
            data = load_yaml(head, "the front matter")
        except ImportProblem as error:
            raise ValueError(error.problems[0]) from None
    if not isinstance(data, dict):
        raise ValueError("the front matter is not a mapping of fields")
    return data, body.strip()


def read_site(root: Path, marks: str = "hugo") -> Site:
    """ImportProblem when ``root`` is no Hugo site: no content/ or data/authors/ folder."""
    if not root.is_dir():
        raise ImportProblem([f"{root} is not a folder"])
    if not (root / "content").is_dir() and not (root / "data" / "authors").is_dir():
        raise ImportProblem([f"{root} has no content/ folder: is it a Hugo site?"])
    profile = Profile(format="Hugo Blox site")
    authors, owner = read_authors(root, profile)
    legend = parse_marks(marks)
    site = Site(profile, has_owner=owner is not None)
    names = {key: author["name"] for key, author in authors.items() if author.get("name")}
    for key in OWNER_NAMES:
        names[key] = OWNER
    if owner is not None:
        names[owner] = OWNER
    for folder in ("publication", "publications"):
        base = root / "content" / folder
        if not base.is_dir():
            continue
        pages = sorted(base.glob("*/index.md")) + sorted(
            p for p in base.glob("*.md") if p.name != "_index.md"
        )
        for page in pages:
            reader = PaperReader(page, root, names, legend)
            try:
                profile.papers.append(reader.read())
            except ValueError as error:
                site.skipped.append(Notice(reader.key, 0, str(error)))
    distinct_identifiers(profile.papers)
    return site


def distinct_identifiers(papers: list[ParsedWork]) -> None:
    """Two pages with different titles are two papers, though the theme's sample gives a
    preprint and a journal article one arXiv id: the first keeps it, a later one drops it
    with a warning (the importer would take them for one paper and skip the second)."""
    holders = {}
    for work in papers:
        for name in ("doi", "arxiv_id"):
            value = getattr(work, name).lower()
            if not value:
                continue
            first = holders.setdefault((name, value), work)
            if first is not work and first.title.lower() != work.title.lower():
                work.warnings.append(
                    Notice(work.key, 0, f"{first.key} has it too; dropped here", field=name)
                )
                setattr(work, name, "")


def read_authors(root: Path, profile: Profile) -> tuple[dict[str, dict], str | None]:
    """Every author profile by its user name, and the owner's, written into ``profile``."""
    found = {}
    for path in sorted((root / "content" / "authors").glob("*/_index.md")):
        where = str(path.relative_to(root))
        try:
            data, body = front_matter(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            profile.warn(where, f"cannot be read: {error}")
            continue
        data["_body"] = body
        found[path.parent.name] = (where, data)
    for path in sorted((root / "data" / "authors").glob("*.y*ml")):
        where = str(path.relative_to(root))
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), where)
        except ImportProblem as error:
            profile.warn(where, f"cannot be read: {error.problems[0]}")
            continue
        except UnicodeDecodeError as error:
            profile.warn(where, f"cannot be read: not UTF-8 (byte {error.start})")
            continue
        if isinstance(data, dict):
            found[text(data.get("slug")) or path.stem] = (where, data)
    authors = {key: {"name": author_name(data)} for key, (_, data) in found.items()}
    owner = next(
        (
            key
            for key, (_, data) in found.items()
            if data.get("superuser") is True or data.get("is_owner") is True
        ),
        next((key for key in OWNER_NAMES if key in found), None),
    )
    if owner is not None:
        where, data = found[owner]
        owner_profile(where, data, profile)
    return authors, owner


def author_name(data: dict) -> str:
    name = data.get("name")
    if isinstance(name, dict):
        given, family = text(name.get("given")), text(name.get("family"))
        return f"{given} {family}".strip() or text(name.get("display"))
    first, last = text(data.get("first_name")), text(data.get("last_name"))
    return text(name) or f"{first} {last}".strip() or text(data.get("title"))


def owner_profile(where: str, data: dict, profile: Profile) -> None:
    """The owner's author page (old Wowchemy or Hugo Blox's v1 schema) as a CV."""
    basics = profile.basics
    basics["full_name"] = author_name(data)
    name = data.get("name")
    if isinstance(name, dict):
        basics["given_name"], basics["family_name"] = (
            text(name.get("given")),
            text(name.get("family")),
        )
        basics["native_name"] = text(name.get("alternate"))[:100]
    else:
        basics["given_name"], basics["family_name"] = (
            text(data.get("first_name")),
            text(data.get("last_name")),
        )
    basics["headline"] = text(data.get("role"))[:200]
    basics["email"] = text(data.get("email"))
    basics["bio"] = text(data.get("_body")) or text(data.get("bio"))
    organizations = data.get("organizations") or data.get("affiliations") or []
    experience = data.get("experience") or []
    current = {
        text(e.get("org") or e.get("company")).lower()
        for e in experience
        if isinstance(e, dict) and not e.get("end")
    }
    for i, org in enumerate(organizations if isinstance(organizations, list) else []):
        org = org if isinstance(org, dict) else {"name": org}
        # An affiliation an experience entry names as current is that position already.
        if text(org.get("name")) and text(org.get("name")).lower() not in current:
            profile.add(
                "positions",
                f"{where}: organizations[{i}]",
                title="",
                kind="affiliation",
                organization=Org(text(org.get("name")), url=text(org.get("url"))),
            )
    for i, e in enumerate(experience):
        if not isinstance(e, dict):
            continue
        at = f"{where}: experience[{i}]"
        profile.add(
            "positions",
            at,
            title=text(e.get("role") or e.get("title")),
            organization=Org(text(e.get("org") or e.get("company"))),
            start=partial_date(e.get("start"), f"{at}.start", profile.warnings),
            end=partial_date(e.get("end"), f"{at}.end", profile.warnings),
            description=description(e.get("summary")),
        )
    interests = data.get("interests") or []
    for i, interest in enumerate(interests if isinstance(interests, list) else [interests]):
        profile.add("interests", f"{where}: interests[{i}]", title=text(interest), children=[])
    education = data.get("education") or []
    if isinstance(education, dict):  # Wowchemy: education: {courses: [...]}
        education = education.get("courses") or []
    for i, e in enumerate(education if isinstance(education, list) else []):
        if not isinstance(e, dict):
            continue
        at = f"{where}: education[{i}]"
        summary = text(e.get("summary"))
        thesis, advisors = thesis_and_advisors(e, [summary])
        end = e.get("end") or e.get("year")
        profile.add(
            "education",
            at,
            degree_title=text(e.get("degree") or e.get("course")),
            institution=Org(text(e.get("institution"))),
            start=partial_date(e.get("start"), f"{at}.start", profile.warnings),
            end=partial_date(end, f"{at}.end", profile.warnings),
            thesis_title=thesis,
            advisors=advisors,
            description=summary,
        )
    for i, e in enumerate(data.get("awards") or []):
        if isinstance(e, dict):
            at = f"{where}: awards[{i}]"
            profile.add(
                "awards",
                at,
                title=text(e.get("title")),
                date=partial_date(e.get("date"), f"{at}.date", profile.warnings),
                issuer=Org(text(e.get("awarder"))) if text(e.get("awarder")) else None,
                description=description(e.get("summary")),
            )
    lines = []
    for e in data.get("languages") or []:
        if isinstance(e, dict) and text(e.get("name")):
            label = f" ({text(e.get('label'))})" if text(e.get("label")) else ""
            lines.append(f"- {text(e.get('name'))}{label}")
    profile.section("Languages", f"{where}: languages", lines)
    lines = []
    for group in data.get("skills") or []:
        if isinstance(group, dict):
            labels = [
                text(s.get("label") if isinstance(s, dict) else s) for s in group.get("items") or []
            ]
            lines.append(f"- **{text(group.get('name'))}**: {', '.join(filter(None, labels))}")
    profile.section("Skills", f"{where}: skills", lines)
    links = []
    for item in (data.get("links") or []) + (data.get("social") or []):
        if not isinstance(item, dict):
            continue
        url = text(item.get("url") or item.get("link"))
        icon = text(item.get("icon")).split("/")[-1]
        field_name, value = classify_link(url, icon)
        if field_name and not basics.get(field_name):
            basics[field_name] = value
        elif not field_name and url and not url.startswith(("/", "#")):
            links.append(
                link_line(text(item.get("label")) or icon.replace("-", " ").title() or url, url)
            )
    profile.section("Links", f"{where}: links", links)


class PaperReader:
    def __init__(self, page: Path, root: Path, names: dict[str, str], legend: dict[str, str]):
        self.page, self.root, self.names, self.legend = page, root, names, legend
        folder = page.parent if page.name == "index.md" else page.with_suffix("")
        self.key = str(folder.relative_to(root / "content"))
        self.bib = page.parent / "cite.bib" if page.name == "index.md" else None

    def read(self) -> ParsedWork:
        try:
            fm, _ = front_matter(self.page.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise ValueError(f"index.md is not UTF-8 text (byte {error.start})") from None
        work = self.from_bib()
        for name in fm:
            if name not in PAPER_FIELDS and name not in PAGE_ONLY:
                work.warnings.append(Notice(self.key, 0, "unknown field; ignored", field=name))
        title = text(fm.get("title"))
        if title:
            work.title = title
        if not work.title:
            raise ValueError("no title")
        when = partial_date(fm.get("date"), "date", []) if fm.get("date") else None
        if when is not None:
            work.year = when.date.year
            work.month = when.date.month if when.precision != "year" else work.month
        elif fm.get("date"):
            work.warnings.append(Notice(self.key, 0, "not a date; dropped", field="date"))
        if not work.year:
            raise ValueError("no date: Hugo's date (or cite.bib's year) is the paper's year")
        self.authors(work, fm)
        self.kind(work, fm)
        self.venue(work, fm)
        ids = (
            (fm.get("hugoblox") or {}).get("ids") or {}
            if isinstance(fm.get("hugoblox"), dict)
            else {}
        )
        doi = text(fm.get("doi") or ids.get("doi")).replace("\\_", "_")
        if doi:
            work.doi = normalize_doi(doi)
        arxiv = text(ids.get("arxiv"))
        self.links(work, fm)
        if arxiv or work.extra_fields.get("arxiv"):
            work.arxiv_id = normalize_arxiv_id(arxiv or work.extra_fields.pop("arxiv"))
        if text(fm.get("abstract")):
            work.abstract = text(fm["abstract"])
        summary = text(fm.get("summary"))
        if summary and not work.abstract.startswith(summary.rstrip(".… ")):
            work.extra_fields["summary"] = summary
        featured = fm.get("featured", fm.get("selected"))
        if isinstance(featured, bool):
            work.featured = featured
        keywords = [
            text(t) for key in ("tags", "categories") for t in _list(fm.get(key)) if text(t)
        ]
        if keywords:
            work.keywords = list(dict.fromkeys([*keywords, *work.keywords]))
        projects = [text(p) for p in _list(fm.get("projects")) if text(p)]
        if projects:
            work.extra_fields["projects"] = ", ".join(projects)
        if text(fm.get("subtitle")):
            work.extra_fields["subtitle"] = text(fm["subtitle"])
        return work

    def from_bib(self) -> ParsedWork:
        blank = ParsedWork(key=self.key, line=0, kind="", title="", year=0)
        if self.bib is None or not self.bib.is_file():
            return blank
        try:
            reading = read_file(self.bib.read_text(encoding="utf-8"), Options(marks=self.legend))
        except (ImportProblem, UnicodeDecodeError) as error:
            blank.warnings.append(
                Notice(
                    self.key,
                    0,
                    f"cite.bib cannot be read ({error}); the front matter alone is imported",
                    field="cite.bib",
                )
            )
            return blank
        if not reading.entries:
            blank.warnings.append(
                Notice(self.key, 0, "cite.bib holds no entry that can be read", field="cite.bib")
            )
            return blank
        work = reading.entries[0]
        work.key = self.key
        work.warnings = [
            Notice(self.key, 0, f"cite.bib: {n.message}", field=n.field) for n in work.warnings
        ]
        return work

    def authors(self, work: ParsedWork, fm: dict) -> None:
        raw = fm.get("authors")
        if isinstance(raw, str):
            raw = [raw]
        if not raw:
            return
        names = [text(a) for a in raw if text(a)]
        # ["A B, C D"]: one string naming several people, as some sites write.
        if (
            len(names) == 1
            and "," in names[0]
            and all(len(p.split()) > 1 for p in names[0].split(","))
        ):
            names = [p.strip() for p in names[0].split(",")]
        work.authors, work.equal_contribution, work.corresponding = [], [], []
        work.other_marks = {}
        for position, name in enumerate(names, start=1):
            name = re.sub(r"(\*\*|__)(.+?)\1", r"\2", name)  # **Me** marks the owner in bold
            name, marks = take_marks(name)
            name = self.names.get(name.lower(), self.names.get(name, name))
            if name != OWNER and "," in name:
                name = person_name(name)
            work.authors.append(name)
            for mark in marks:
                flag = self.legend.get(mark)
                if flag == "equal":
                    work.equal_contribution.append(position)
                elif flag == "corresponding":
                    work.corresponding.append(position)
                else:
                    work.other_marks[position] = work.other_marks.get(position, "") + mark
        notes = [text(n) for n in _list(fm.get("author_notes"))]
        kept = []
        for position, note in enumerate(notes, start=1):
            if re.search(r"equal", note, re.I):
                work.equal_contribution.append(position)
            elif re.search(r"correspond", note, re.I):
                work.corresponding.append(position)
            elif note:
                kept.append(f"{position}: {note}")
        if kept:
            work.extra_fields["author_notes"] = "; ".join(kept)
        work.equal_contribution = sorted(set(work.equal_contribution))
        work.corresponding = sorted(set(work.corresponding))

    def kind(self, work: ParsedWork, fm: dict) -> None:
        types = [text(t) for t in _list(fm.get("publication_types"))]
        if types and types[0]:
            kind = CSL_KINDS.get(types[0]) or NUMBERED_KINDS.get(types[0])
            if kind is None and types[0] != "0":
                work.warnings.append(
                    Notice(
                        self.key,
                        0,
                        f"unknown type {types[0]!r}; a journal article",
                        field="publication_types",
                    )
                )
            work.kind = kind or work.kind or "article"
        work.kind = work.kind or "article"

    def venue(self, work: ParsedWork, fm: dict) -> None:
        venue = plain(fm.get("publication"))
        if m := re.match(r"^(.*?),\s*(\d+)\s*\((\d+)\)(?:,\s*(?:pp\.\s*)?([\d\-–]+))?\.?$", venue):
            venue, volume, issue, pages = m.groups()
            work.volume, work.issue = work.volume or volume, work.issue or issue
            work.pages = work.pages or pages or ""
        elif m := re.match(r"^(.*?),\s*(\d+),\s*pp\.\s*([\d\-–]+)\.?$", venue):
            venue, volume, pages = m.groups()
            work.volume, work.pages = work.volume or volume, work.pages or pages
        if venue:
            work.venue = venue
        short = plain(fm.get("publication_short"))
        if short and short != venue:
            work.venue_abbr = short[:60]
        for name in ("volume", "issue", "pages"):
            if text(fm.get(name)):
                setattr(work, name, text(fm[name]))

    def links(self, work: ParsedWork, fm: dict) -> None:
        links = dict(work.links)
        for name, value in fm.items():
            if name.startswith("url_") and text(value) not in PLACEHOLDER_URLS:
                kind = name[4:]
                if kind == "preprint" and "arxiv.org" in text(value):
                    work.extra_fields.setdefault("arxiv", text(value))
                links[LINK_TYPES.get(kind, kind)] = text(value)
        if text(fm.get("url")) not in PLACEHOLDER_URLS:
            work.url = text(fm["url"])
        for item in _list(fm.get("links")):
            if not isinstance(item, dict):
                continue
            kind = text(item.get("type") or item.get("name") or item.get("label")).lower()
            if kind == "preprint" and text(item.get("provider")).lower() == "arxiv":
                work.extra_fields.setdefault("arxiv", text(item.get("id")))
                continue
            url = text(item.get("url"))
            if url in PLACEHOLDER_URLS:
                continue
            if kind == "custom":
                kind = text(item.get("label")) or url
            links[LINK_TYPES.get(kind, kind)] = url
        work.links = links


def plain(value) -> str:
    """Hugo's Markdown venue ('In *ICW*', '***Journal***, 43') as text."""
    venue = re.sub(r"[*_]+", "", text(value)).strip()
    return re.sub(r"^In\s+", "", venue).strip()


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def import_hugo(
    site: Site,
    *,
    researcher: Researcher | None = None,
    dry_run: bool = False,
    strict: bool = False,
    overwrite: bool = False,
    wait=None,
    deadline: Deadline = NO_DEADLINE,
) -> ProfileReport:
    """The owner's profile and the papers in one transaction (import_profile's)."""
    profile = site.profile
    if not site.has_owner and researcher is None:
        raise ImportProblem(
            [
                "The site has no owner's profile (content/authors/admin/_index.md or "
                "data/authors/me.yaml); name the researcher it is for."
            ]
        )
    if strict and site.skipped:
        raise ImportProblem([str(n) for n in site.skipped])
    owner_name = researcher.full_name if researcher else profile.basics.get("full_name", "")
    for work in profile.papers:
        work.authors = [owner_name if name == OWNER else name for name in work.authors]
    return import_profile(
        profile,
        researcher=researcher,
        dry_run=dry_run,
        strict=strict,
        overwrite=overwrite,
        wait=wait,
        deadline=deadline,
        papers_source="hugo",
        skipped_papers=site.skipped,
    )
