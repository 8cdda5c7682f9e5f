"""Recorded answers of the four sources, served by httpx.MockTransport: nothing here
touches the network."""

from pathlib import Path

import httpx

from inbox.sources import ArxivAuthor, CrossrefWorks, OpenAlexWorks, OrcidWorks

RECORDED = Path(__file__).parent / "recorded"
ORCID = "0000-0002-1825-0097"
OPENALEX_ID = "A5031780000"
ARXIV_ID = "bai_z_1"


def replay(*answers, seen=None):
    """Answers in turn: (status, body[, headers]), or an exception to raise."""
    queue = list(answers)

    def handler(request):
        if seen is not None:
            seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, *headers = answer
        return httpx.Response(status, content=body, headers=headers[0] if headers else None)

    return httpx.MockTransport(handler)


def recorded(name):
    return (200, (RECORDED / name).read_bytes())


class Clock:
    """A monotonic clock that the client's sleeps move on."""

    def __init__(self):
        self.now = 1000.0
        self.waits = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


def recorded_clients(**answers):
    """``candidates_harvest``'s clients on the recorded answers; ``answers`` replaces a
    source's, e.g. ``orcid=[(500, b""), ...]``."""
    pages = {
        "orcid": [recorded("orcid_works.json")],
        "openalex": [recorded("openalex_works_page1.json"), recorded("openalex_works_page2.json")],
        "crossref": [recorded("crossref_orcid_works.json")],
        "arxiv": [recorded("arxiv_author_bai_z_1.atom")],
    } | answers

    def client(cls, name):
        clock = Clock()
        return cls(replay(*pages[name]), sleep=clock.sleep, clock=clock)

    return {
        "orcid": lambda r: client(OrcidWorks, "orcid").works(r.orcid, r.full_name),
        "openalex": lambda r: client(OpenAlexWorks, "openalex").works(r.openalex_id),
        "crossref": lambda r: client(CrossrefWorks, "crossref").works(r.orcid),
        "arxiv": lambda r: client(ArxivAuthor, "arxiv").works(r.arxiv_author_id),
    }
