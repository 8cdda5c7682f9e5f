"""Polite JSON and XML over HTTP for the outside sources (Crossref, arXiv, OpenAlex).

One client per source: a timeout, a User-Agent with the site's contact address (the
sources' etiquette), retries with exponential back-off on timeouts, lost connections,
429 and 5xx (honouring Retry-After), and one exception, ``SourceError``, whose message
says which source failed and how. Tests pass an ``httpx.MockTransport``.
"""

import time

import httpx
from django.conf import settings

ATTEMPTS = 3
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SourceError(Exception):
    pass


class Source:
    name = "source"

    def __init__(self, transport: httpx.BaseTransport | None = None, sleep=time.sleep):
        self.sleep = sleep
        self.client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(10.0, connect=5.0),
            follow_redirects=True,
            headers={
                "User-Agent": f"Scholarfolio/0.1 (mailto:{settings.CONTACT_EMAIL})",
                "Accept": "application/json",
            },
        )

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        problem, wait = "", 0.0
        for attempt in range(ATTEMPTS):
            if attempt:
                self.sleep(wait)
            try:
                response = self.client.get(url, params=params)
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

    def get_json(self, url: str, params: dict | None = None):
        response = self.get(url, params)
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"{self.name} sent malformed JSON from {url}.") from None


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return min(float(value), 60.0) if value.isdigit() else None
