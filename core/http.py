"""Polite JSON and XML over HTTP for the outside sources (Crossref, arXiv, OpenAlex).

One client per source: a timeout, a User-Agent with the site's contact address (the
sources' etiquette), retries with exponential back-off on timeouts, lost connections,
429 and 5xx (honouring Retry-After), a pause between requests where a source asks for one
(``min_interval``: arXiv's three seconds), and one exception, ``SourceError``, whose message
says which source failed and how. ``within(seconds)`` bounds all of a client's requests,
retries and waits together, as the admin must answer inside the server's worker timeout.
Tests pass an ``httpx.MockTransport``.
"""

import datetime
import email.utils
import json
import time

import httpx
from django.conf import settings

ATTEMPTS = 3
READ_TIMEOUT = 10.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# ORCID's records nest about a dozen levels, Crossref's answers fewer. json.loads recurses
# per level and fails near 1,000 (less inside a request), and a record nested deeper than
# the session serializer can write would fail when kept for its confirmation.
MAX_JSON_DEPTH = 100


class SourceError(Exception):
    pass


class Source:
    name = "source"
    # Seconds from one request's start to the next one's, retries included.
    min_interval = 0.0

    def __init__(
        self, transport: httpx.BaseTransport | None = None, sleep=time.sleep, clock=time.monotonic
    ):
        self.sleep = sleep
        self.clock = clock
        self.seconds = self.ends = None
        self.last_request: float | None = None
        self.client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(READ_TIMEOUT, connect=5.0),
            follow_redirects=True,
            headers={
                "User-Agent": f"Scholarfolio/0.1 (mailto:{settings.CONTACT_EMAIL})",
                "Accept": "application/json",
            },
        )

    def within(self, seconds: float) -> "Source":
        """Every request from now on ends within ``seconds`` in all, or a SourceError says so."""
        self.seconds, self.ends = seconds, self.clock() + seconds
        return self

    def time_left(self, needed: float = 0.0) -> float:
        if self.ends is None:
            return READ_TIMEOUT
        left = self.ends - self.clock()
        if left <= needed:
            raise SourceError(
                f"{self.name} did not answer everything within {self.seconds:.0f} seconds; "
                "try fewer at a time, or later."
            )
        return min(left - needed, READ_TIMEOUT)

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        problem, wait = "", 0.0
        for attempt in range(ATTEMPTS):
            if attempt:
                self.time_left(needed=wait)
                self.sleep(wait)
            self.keep_interval()
            left = self.time_left()
            self.last_request = self.clock()
            try:
                response = self.client.get(
                    url, params=params, timeout=httpx.Timeout(left, connect=min(left, 5.0))
                )
            except httpx.TimeoutException:
                problem, wait = "did not answer in time", 2**attempt
                continue
            except httpx.TransportError as error:
                problem, wait = f"is unreachable ({error.__class__.__name__})", 2**attempt
                continue
            if response.status_code in RETRY_STATUSES:
                problem = f"answered HTTP {response.status_code}"
                wait = retry_after(response) or 2**attempt
                continue
            if response.status_code == 404:
                raise SourceError(f"{self.name}: nothing found at {url}.")
            if response.status_code >= 400:
                raise SourceError(f"{self.name} refused the request: HTTP {response.status_code}.")
            return response
        raise SourceError(f"{self.name} {problem}, {ATTEMPTS} attempts; try again later.")

    def keep_interval(self) -> None:
        if self.last_request is None or not self.min_interval:
            return
        wait = self.last_request + self.min_interval - self.clock()
        if wait > 0:
            self.time_left(needed=wait)
            self.sleep(wait)

    def get_json(self, url: str, params: dict | None = None):
        response = self.get(url, params)
        try:
            return load_json(response.content)
        except ValueError as error:
            raise SourceError(f"{self.name} sent malformed JSON from {url} ({error}).") from None


def load_json(text: str | bytes):
    """``json.loads``, with nesting deeper than MAX_JSON_DEPTH a ValueError too."""
    too_deep = f"nested more than {MAX_JSON_DEPTH} levels deep"
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(too_deep) from None
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(too_deep)
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            stack.extend((child, depth + 1) for child in children)
    return data


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date; at most a minute."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return min(float(value), 60.0)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return min(max((when - datetime.datetime.now(datetime.UTC)).total_seconds(), 0.0), 60.0)
