import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]
# Never connected to: these commands only read settings.
UNUSED_DATABASE = "postgres://nobody@127.0.0.1:1/unused"


def python(args: list[str], unset: set[str], env: dict) -> subprocess.CompletedProcess:
    """Python in the repository, without the variables ``unset`` and with ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=base | {"DATABASE_URL": UNUSED_DATABASE} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return python(["manage.py", *args], {"DEBUG", "SECRET_KEY"}, env)


PRODUCTION = "config.settings.production"


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="people.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_fails_loudly():
    result = manage("check", DJANGO_SETTINGS_MODULE=PRODUCTION, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_fails_loudly():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DEBUG="false",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="",
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_bad_boolean_is_named():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_without_a_named_module_manage_py_loads_production_or_what_dotenv_names(
    tmp_path, monkeypatch
):
    import config.settings

    monkeypatch.setattr(config.settings, "DOTENV", tmp_path / ".env")
    assert config.settings.settings_module() == PRODUCTION

    (tmp_path / ".env").write_text("DJANGO_SETTINGS_MODULE=config.settings.local\n")
    assert config.settings.settings_module() == "config.settings.local"


# The local settings, pointed at a .env of the test's own instead of the repository's.
LOCAL = """
import sys
from pathlib import Path
import config.settings
config.settings.DOTENV = Path(sys.argv[1])
from config.settings import local
print(local.DEBUG, local.SECRET_KEY, local.SITE_NAME, *local.ALLOWED_HOSTS)
"""


def local_settings(dotenv: Path, **env: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECRET_KEY", "SITE_NAME", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    return python(["-c", LOCAL, str(dotenv)], unset, env)


def test_local_settings_read_dotenv_under_the_environment(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SECRET_KEY=from-the-file\nSITE_NAME=File Lab\n")

    result = local_settings(dotenv, SITE_NAME="Environment Lab")

    assert result.returncode == 0, result.stderr
    # DEBUG is on by default; the environment wins over the file.
    assert result.stdout.split() == [
        "True", "from-the-file", "Environment", "Lab", "localhost", "127.0.0.1", "[::1]"
    ]  # fmt: skip


def test_local_settings_without_a_key_say_that_make_run_writes_one(tmp_path):
    result = local_settings(tmp_path / ".env")

    assert result.returncode != 0
    assert "SECRET_KEY is not set: `make run` writes one to" in result.stderr


def test_make_writes_dotenv_for_local_work_once_and_never_over_an_existing_one(tmp_path):
    (tmp_path / "Makefile").write_bytes((ROOT / "Makefile").read_bytes())

    def make_dotenv() -> str:
        subprocess.run(["make", "-s", ".env"], cwd=tmp_path, check=True, timeout=60)
        return (tmp_path / ".env").read_text()

    written = make_dotenv()
    lines = written.splitlines()
    assert "DJANGO_SETTINGS_MODULE=config.settings.local" in lines
    assert "DEBUG=true" in lines
    (key,) = [line.removeprefix("SECRET_KEY=") for line in lines if line.startswith("SECRET_KEY=")]
    assert len(key) >= 50
    assert make_dotenv() == written

    (tmp_path / ".env").write_text("SECRET_KEY=mine\n")
    assert make_dotenv() == "SECRET_KEY=mine\n"
