"""What every importer shares: a work as read from a source, the problems that refuse an
import, and the deadline it must end by. BibTeX (bibtex_reader.py), Crossref and arXiv
(sources.py) and ORCID (profiles/orcid.py) each produce ``ParsedWork``s; importer.py writes
them."""

import time
from dataclasses import dataclass, field


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
