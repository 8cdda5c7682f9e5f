"""Content-Security-Policy on every response, and the admin login locking out guessers."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


@pytest.mark.parametrize("path", ["/", "/publications/", "/admin/login/", "/api/v1/"])
def test_strict_policy_everywhere(client, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_only_the_api_docs_relax_styles(client):
    assert directives(client.get("/api/docs/"))["style-src"] == "'self' 'unsafe-inline'"
    redoc = directives(client.get("/api/redoc/"))
    assert redoc["style-src"] == "'self' 'unsafe-inline'"
    assert redoc["script-src"] == "'self'"


def test_admin_login_locks_out_after_repeated_failures(client, caplog):
    get_user_model().objects.create_superuser("editor", "e@example.org", "right-password-123")

    def login(password):
        return client.post(
            "/admin/login/?next=/admin/", {"username": "editor", "password": password}
        )

    for _ in range(4):
        assert login("wrong").status_code == 200  # the form again, with its error
    assert login("wrong").status_code == 429  # the fifth failure locks the account out
    locked = login("right-password-123")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("lock" in record.getMessage().lower() for record in caplog.records)


def test_a_good_login_resets_the_count(client):
    get_user_model().objects.create_superuser("editor", "e@example.org", "right-password-123")
    for _ in range(4):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "right-password-123"}
    )
    assert response.status_code == 302
