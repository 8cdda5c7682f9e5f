"""The deployment files (issue 7): docker-compose.yml, the Dockerfile, its entrypoint and
.env.example, read as files. No Docker engine needed; Debian's docker-compose, when present,
validates the compose file offline."""

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parent.parent

# os.environ.get("X"...), os.environ["X"], os.getenv("X"...) and helpers such as env_bool("X"...).
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|\benv_\w+)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
# A variable in .env.example, set or, when optional, commented out.
ENV_LINE = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=", re.M)


def settings_variables() -> set[str]:
    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        for match in ENV_READ.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def instructions(dockerfile: str, name: str) -> list[str]:
    """The arguments of each NAME instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    return re.findall(rf"^{name}\s+(.+)$", joined, re.M)


def test_compose_has_the_three_services(services):
    assert {"db", "redis", "web"} <= services.keys()
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"].startswith("redis:7")
    assert services["web"]["build"] == "."


@pytest.mark.parametrize("service", ["db", "redis", "web"])
def test_every_service_has_a_health_check(services, service):
    assert services[service]["healthcheck"]["test"]


def test_health_checks_ask_the_right_thing(services):
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert "http://127.0.0.1:8000/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_redis_is_a_bounded_cache(services):
    command = services["redis"]["command"]
    assert command[command.index("--maxmemory") + 1].endswith("mb")
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"


def test_web_waits_for_healthy_db_and_redis(services):
    depends_on = services["web"]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize(
    ("service", "target"), [("db", "/var/lib/postgresql/data"), ("web", "/app/media")]
)
def test_data_lives_in_named_volumes(compose, services, service, target):
    (source,) = [v.split(":")[0] for v in services[service]["volumes"] if v.split(":")[1] == target]
    assert not source.startswith((".", "/", "~")), f"{target} is a bind mount, not a volume"
    assert source in compose["volumes"]


def test_the_worker_runs_the_job_queue_on_the_sites_database(services):
    worker, web = services["worker"], services["web"]
    assert worker["command"] == ["python", "manage.py", "procrastinate", "worker"]
    assert worker["build"] == web["build"] and worker["env_file"] == web["env_file"]
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # The web service's entrypoint migrates, the queue's tables too: the worker waits for it.
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"
    assert "healthchecks" in worker["healthcheck"]["test"]


def test_web_reaches_db_and_redis_by_service_name(services):
    environment = services["web"]["environment"]
    assert re.fullmatch(r"postgres(ql)?://[^@/]+@db:5432/\S+", environment["DATABASE_URL"])
    assert re.fullmatch(r"redis://redis:6379/\d+", environment["REDIS_URL"])
    assert environment["MEDIA_ROOT"] == "/app/media"
    assert services["web"]["env_file"] == ".env"


def test_settings_variables_are_found():
    # Guards the regex: without these the next test would pass on an empty set.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL"} <= settings_variables()


def test_env_example_documents_every_variable_the_settings_read():
    text = (ROOT / ".env.example").read_text()
    documented = set(ENV_LINE.findall(text))
    assert not settings_variables() - documented
    # Compose reads these itself, and gunicorn reads WEB_CONCURRENCY.
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "WEB_CONCURRENCY"} <= documented


def test_env_example_has_a_comment_above_every_variable():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for above, line in pairwise(lines):
        if ENV_LINE.match(line):
            assert above.startswith("#") and not ENV_LINE.match(above), f"{line!r} has no comment"


def test_dockerfile_builds_static_files_and_serves_with_gunicorn(dockerfile):
    assert instructions(dockerfile, "FROM") == ["python:3.11-slim-bookworm"]
    run = " ".join(instructions(dockerfile, "RUN"))
    assert "pip install --no-deps -e ." in run
    assert "manage.py collectstatic --noinput" in run
    assert "EXPOSE 8000" in dockerfile
    (cmd,) = instructions(dockerfile, "CMD")
    args = json.loads(cmd)
    assert args[:2] == ["gunicorn", "config.wsgi"]
    assert args[args.index("--bind") + 1] == "0.0.0.0:8000"
    assert args[args.index("--access-logfile") + 1] == "-"


def test_dockerfile_runs_as_a_user_other_than_root(dockerfile):
    users = instructions(dockerfile, "USER")
    assert users
    assert users[-1] not in {"root", "0", "0:0"}


def test_dockerfile_health_check_asks_healthz_without_curl(dockerfile):
    (healthcheck,) = instructions(dockerfile, "HEALTHCHECK")
    assert "urllib.request.urlopen('http://127.0.0.1:8000/healthz'" in healthcheck


def test_entrypoint_migrates_before_gunicorn(dockerfile):
    assert instructions(dockerfile, "ENTRYPOINT") == ['["/app/docker-entrypoint.sh"]']
    entrypoint = ROOT / "docker-entrypoint.sh"
    assert entrypoint.stat().st_mode & 0o111, "docker-entrypoint.sh is not executable"
    text = entrypoint.read_text()
    assert text.index("manage.py migrate --noinput") < text.index('exec "$@"')


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".data", ".git", "node_modules", "media", "staticfiles"} <= ignored


@pytest.mark.subprocess
@pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose is not installed (make browser-tools installs Debian's)",
)
def test_docker_compose_accepts_the_file(tmp_path):
    # .env is the operator's own file: validate beside a copy of the example instead.
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_media_volume_is_mounted_where_the_image_lets_the_site_write(dockerfile, services):
    # Without a bucket the site serves /media/ from this volume itself (core/media.py).
    (workdir,) = instructions(dockerfile, "WORKDIR")
    assert services["web"]["environment"]["MEDIA_ROOT"] == f"{workdir}/media"
    run = " ".join(" ".join(instructions(dockerfile, "RUN")).split())
    assert "mkdir -p media && chown app:app media" in run
    assert not re.search(r"^AWS_STORAGE_BUCKET_NAME=", (ROOT / ".env.example").read_text(), re.M)
