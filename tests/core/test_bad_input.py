"""Addresses no page can answer: NUL and other control characters, query strings that are
not UTF-8, and addresses too long. Each is a 400, 404 or 414 in the form of the page asked
for (JSON on the API), never a server error in the log."""

import json
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.middleware import MAX_URL_LENGTH

pytestmark = pytest.mark.django_db

API = [
    "/api/v1/researchers/%00/",
    "/api/v1/publications/%00/",
    "/api/v1/talks/%00/",
    "/api/v1/researchers/%00/publications/",
    "/api/v1/publications/?author=%00",
    "/api/v1/publications/?venue=a%00b",
    "/api/v1/talks/?speaker=%00",
    "/api/v1/talks/?event=%00",
    "/api/v1/publications/?q=%00",
    "/api/v1/researchers/?q=%0A",
    "/api/v1/organizations/?country=%1F",
    "/api/v1/publications/?q=%FF",  # not UTF-8
]
PAGES = [
    "/people/%00/",
    "/people/?role=%00",
    "/publications/?author=%00",
    "/publications/?venue=%00",
    "/publications/%00/",
    "/search/?q=%00",
    "/search/?q=%C3",  # a UTF-8 sequence cut short
    "/talks/?page=%00",
    "/talks/%00/",
    "/events/%00/",
    "/publications/feed/%00/",
    "/talks/feed/?q=%7F",
    "/talks.ics?%00",
    "/talks/%00.ics",
    "/events/%00.ics",
    "/people/%00/publications.bib",
]


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("url", API)
def test_the_api_refuses_control_characters_in_json(client, no_errors_logged, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_refuse_control_characters_with_the_sites_page(client, no_errors_logged, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"This address cannot be read" in response.content
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url, content_type",
    [("/api/v1/researchers/%FF/", "application/json"), ("/people/%FF/", "text/html")],
)
def test_a_path_that_is_not_utf8_matches_nothing(client, no_errors_logged, url, content_type):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/researchers/" + "x" * 10_000 + "/",
        "/api/v1/publications/?q=" + "x" * 10_000,
    ],
)
def test_an_overlong_api_address_gets_the_apis_json_error(client, no_errors_logged, url):
    response = client.get(url)
    assert response.status_code == 414
    assert response.json()["status"] == 414
    assert str(MAX_URL_LENGTH) in response.json()["detail"]


def test_an_overlong_page_address_gets_the_sites_page(client, no_errors_logged):
    response = client.get("/search/?q=" + "x" * MAX_URL_LENGTH)
    assert response.status_code == 414
    assert b"This address cannot be read" in response.content


def test_a_long_address_within_the_limit_is_read(client):
    response = client.get("/api/v1/researchers/" + "x" * (MAX_URL_LENGTH - 30) + "/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.subprocess
def test_gunicorn_lets_django_answer_long_addresses():
    """gunicorn refuses a request line above its limit (4094 by default) with its own HTML
    page; its configuration raises the limit to gunicorn's ceiling, above what Django reads,
    so that Django's 414 answers instead."""
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    request_line = len("GET ") + MAX_URL_LENGTH + 1 + len(" HTTP/1.1")
    assert config["limit_request_line"] >= request_line
    assert config["limit_request_line"] > 0  # 0 would be unlimited: an endless line buffered


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ask(port: int, request: bytes, seconds: float = 60) -> bytes:
    """The answer to ``request``, asked again until gunicorn listens and its worker, booting
    slowly on a busy machine, answers within 5 s."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(request)
                return b"".join(iter(lambda: conn.recv(65536), b""))
        except (ConnectionRefusedError, TimeoutError):
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)


@pytest.mark.subprocess
def test_a_request_line_over_gunicorns_limit_gets_the_json_error():
    """A real gunicorn with the project's configuration: the line is refused before Django,
    which never runs (the database address is a closed port)."""
    port = free_port()
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        answer = ask(port, b"GET /api/v1/researchers/" + b"x" * 10_000 + b"/ HTTP/1.1\r\n\r\n")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1].decode()

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 "), answer[:200]
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["status"] == 414
    assert "Request line too long" in log and "Traceback" not in log


@pytest.mark.parametrize("cookie", ['"\\000abcdefghijkl"', '"' + "a" * 31 + '\\000"', "../" * 20])
def test_a_session_cookie_that_is_no_key_is_no_session(client, caplog, cookie):
    """As sent: Django reads a quoted octal escape in a cookie as the byte it names."""
    header = {"HTTP_COOKIE": f"sessionid={cookie}"}

    responses = [client.get("/admin/login/", **header), client.get("/people/", **header)]

    assert [r.status_code for r in responses] == [200, 200]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
