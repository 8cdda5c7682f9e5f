"""Health checks, the read-replica router, media storage and logs as deployed."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.replica import PublicReadMiddleware
from publications.models import Publication
from tests.core.test_settings import manage

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "people.example.org",
}


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["people.example.org"])
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_by_ip_over_plain_http(client, path):
    response = client.get(path, HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_says_503_when_the_database_does_not_answer(client):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        ready = client.get("/readyz")
        alive = client.get("/healthz")

    assert ready.status_code == 503
    assert b"database unreachable" in ready.content
    assert alive.status_code == 200


def database_seen(method, path):
    """The database a read and a write would use inside a request for ``path``."""
    seen = {}

    def view(request):
        seen["read"] = Publication.objects.all().db
        seen["write"] = router.db_for_write(Publication)
        return HttpResponse()

    PublicReadMiddleware(view)(RequestFactory().generic(method, path))
    return seen


@override_settings(DATABASE_ROUTERS=["core.replica.ReplicaRouter"])
def test_public_reads_go_to_the_replica_and_everything_else_to_the_primary():
    assert database_seen("GET", "/publications/") == {"read": "replica", "write": "default"}
    assert database_seen("HEAD", "/api/v1/publications/")["read"] == "replica"
    assert database_seen("GET", "/admin/publications/")["read"] == "default"
    assert database_seen("POST", "/admin/login/")["read"] == "default"
    # Outside a request (commands, imports): the primary.
    assert Publication.objects.all().db == "default"
    assert router.allow_migrate("replica", "publications") is False


@pytest.mark.subprocess
def test_a_replica_url_adds_a_mirrored_replica_and_the_router():
    script = (
        "from django.conf import settings; "
        "print(settings.DATABASES['replica']['HOST'], "
        "settings.DATABASES['replica']['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    result = manage(
        "shell",
        "-c",
        script,
        DEBUG="true",
        DATABASE_REPLICA_URL="postgres://r@replica.internal:5432/site",
    )

    assert result.returncode == 0, result.stderr
    assert "replica.internal default ['core.replica.ReplicaRouter']" in result.stdout


@pytest.mark.subprocess
def test_media_go_to_the_bucket_when_one_is_named():
    script = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)"
    )
    result = manage(
        "shell",
        "-c",
        script,
        DEBUG="true",
        AWS_STORAGE_BUCKET_NAME="lab-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["S3Storage", "lab-media", "https://s3.example.org"]


@pytest.mark.subprocess
def test_media_stay_on_disk_without_a_bucket():
    script = (
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    result = manage("shell", "-c", script, DEBUG="true")
    assert result.stdout.split()[-1] == "FileSystemStorage"


@pytest.mark.subprocess
def test_logs_are_one_json_object_per_line_on_stdout():
    script = "import logging; logging.getLogger('scholarfolio.test').warning('hello %s', 'world')"
    result = manage("shell", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["message"] == "hello world"
    assert record["level"] == "WARNING"
    assert record["logger"] == "scholarfolio.test"
    assert "time" in record


@pytest.mark.subprocess
def test_an_unknown_log_format_is_named():
    result = manage("check", LOG_FORMAT="xml", **PRODUCTION)
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr
