"""Conditional requests, caching headers, CORS, throttling, HEAD, OPTIONS and gzip."""

import pytest
from django.test import override_settings

from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/publications/"


@pytest.fixture
def paper():
    return PublicationFactory(title="A paper")


def test_etag_and_last_modified_answer_304(paper, get):
    first = get(LIST)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Accept" in first["Vary"]
    again = get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert get(LIST, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_an_edit_changes_the_etag(paper, get):
    etag = get(LIST)["ETag"]
    paper.title = "A better title"
    paper.save()
    response = get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["results"][0]["title"] == "A better title"


def test_each_format_has_its_own_etag(paper, get):
    assert get(LIST)["ETag"] != get(LIST, accept="application/x-bibtex")["ETag"]


def test_head_gives_the_headers(paper, client):
    response = client.head(LIST)
    assert response.status_code == 200
    assert response["ETag"] and response["X-Total-Count"] == "1"


def test_options_describes_the_endpoint(paper, client):
    response = client.options(LIST)
    assert response.status_code == 200
    assert response.json()["name"] == "Publication List"


def test_cors_allows_get_from_anywhere_and_nothing_else(paper, client):
    response = client.get(LIST, HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        LIST,
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # The public pages send no CORS headers at all.
    page = client.get("/publications/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_throttling_answers_429_with_retry_after(paper, get):
    rates = {"DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), **rates}):
        assert [get(LIST).status_code for _ in range(3)] == [200, 200, 200]
        response = get(LIST)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_throttle_ignores_a_forged_forwarded_for(paper, get):
    rates = {"DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), **rates}):
        codes = [get(LIST, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_gzip_when_asked(get):
    PublicationFactory.create_batch(20, abstract="A long abstract. " * 20)
    response = get(f"{LIST}?page_size=20", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert get(LIST)["Content-Type"] == "application/json"


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK
