"""What every importer shares: a work as read from a source, the problems that refuse an
import, and the deadline it must end by. BibTeX (bibtex_reader.py), Crossref and arXiv
(sources.py) and ORCID (cv/orcid.py) each produce ``ParsedWork``s; importer.py writes
them."""

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FundingRef:
    """A funder a work thanks (Crossref's ``funder``), with the award numbers it gives."""

    funder: str
    funder_id: str = ""  # Crossref Funder ID: the digits after 10.13039/
    awards: tuple[str, ...] = ()


@dataclass
class ParsedWork:
    """One work as its source gives it: plain data, matched and written by the importer.
    ``key`` and ``line`` name it in problems (line 0 when the source has no lines)."""

    key: str
    line: int
    kind: str
    title: str
    year: int
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    month: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    arxiv_id: str = ""
    arxiv_category: str = ""
    url: str = ""
    abstract: str = ""
    note: str = ""
    keywords: list[str] = field(default_factory=list)
    # What BibTeX (al-folio above all) adds; other sources leave these empty.
    et_al: bool = False  # the author list ends with "and others"
    # 1-based author positions with each flag, and marks the legend gives no meaning.
    equal_contribution: list[int] = field(default_factory=list)
    corresponding: list[int] = field(default_factory=list)
    other_marks: dict[int, str] = field(default_factory=dict)
    pmid: str = ""
    publisher: str = ""
    series: str = ""
    address: str = ""
    article_number: str = ""
    page_count: int | None = None
    issn: str = ""
    isbn: str = ""
    date: str = ""  # ISO yyyy-mm-dd, when the source gives a whole date
    venue_abbr: str = ""
    featured: bool | None = None  # None: the source does not say
    bibtex_show: bool | None = None
    award: str = ""
    award_name: str = ""
    preview: str = ""
    annotation: str = ""
    additional_info: str = ""
    google_scholar_id: str = ""
    altmetric: str = ""
    dimensions: str = ""
    # Typed links (pdf, code, html, slides, poster, website, video, supp, blog) as given,
    # relative paths resolved against the import's base URL when it has one.
    links: dict[str, str] = field(default_factory=dict)
    # Every other field, name -> value as written (macros expanded), so an export gives it
    # back; also where a value that fits nowhere else is kept.
    extra_fields: dict[str, str] = field(default_factory=dict)
    # Problems with single fields of this work, each kept or dropped as it says.
    warnings: list["Notice"] = field(default_factory=list)
    # Who funded it (Crossref): stored as grants by the app above (cv, works_imported).
    funding: list[FundingRef] = field(default_factory=list)


@dataclass
class Notice:
    """A problem with one work, or one field of it, for the import's report."""

    key: str
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        name = self.key if self.key.startswith("@") else f"entry {self.key}"  # @string x
        where = f"line {self.line}, {name}" if self.line else name
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


def work_from_row(row: dict) -> ParsedWork:
    """A ParsedWork back from ``dataclasses.asdict`` after a trip through JSON (the admin's
    session, a candidate of the works inbox), which turns notices and funders into dicts,
    tuples into lists and integer keys into strings."""
    row = dict(row)
    row["warnings"] = [Notice(**notice) for notice in row.get("warnings", [])]
    row["other_marks"] = {int(k): v for k, v in row.get("other_marks", {}).items()}
    row["funding"] = [
        FundingRef(**{**ref, "awards": tuple(ref.get("awards", ()))})
        for ref in row.get("funding", [])
    ]
    return ParsedWork(**row)


class ImportProblem(ValueError):
    """The import cannot be made; ``problems`` names each bad work's key and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class TooSlow(ImportProblem):
    """The work went past its deadline (the admin's, inside the server's timeout)."""

    def __init__(self, seconds: float):
        super().__init__(
            [
                f"the import would take longer than {seconds:.0f} seconds; nothing was "
                "imported. Import less at a time, or with the manage.py command, which has "
                "no time limit"
            ]
        )


class Deadline:
    """A point in time work must end by; ``check`` raises TooSlow past it. None: no limit."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.at is not None and time.monotonic() >= self.at:
            raise TooSlow(self.seconds)


NO_DEADLINE = Deadline(None)
