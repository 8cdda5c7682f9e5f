"""Every ``manage.py`` command the README prints exists and takes the arguments printed with
it, so a reader who copies a line gets the command, not "Unknown command" or "unrecognized
arguments"."""

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

README = Path(settings.BASE_DIR) / "README.md"
COMMAND = re.compile(r"\.venv/bin/python manage\.py ([a-z_]+[^`#\n]*)")


def printed_commands() -> list[str]:
    return sorted({match.strip() for match in COMMAND.findall(README.read_text())})


def arguments(printed: str) -> list[list[str]]:
    """The argument lists a printed line stands for: optional [parts] both left out and
    given, alternatives {a,b} and a | b each in turn, and '...' dropped."""
    printed = printed.replace("...", " ")
    if match := re.search(r"\{([^}]+)\}", printed):
        return [
            args
            for choice in match.group(1).split(",")
            for args in arguments(printed[: match.start()] + choice + printed[match.end() :])
        ]
    if match := re.search(r"\[([^\[\]]+)\]", printed):
        before, after = printed[: match.start()], printed[match.end() :]
        inner = [arguments(before + part + after) for part in match.group(1).split("|")]
        return arguments(before + after) + [args for each in inner for args in each]
    return [shlex.split(printed)]


@pytest.mark.parametrize("printed", printed_commands())
def test_a_printed_command_exists_and_takes_its_arguments(printed):
    name, *_ = printed.split()
    commands = get_commands()
    assert name in commands, f"README prints `manage.py {name}`, which does not exist"
    command = load_command_class(commands[name], name)
    for args in arguments(printed):
        parser = command.create_parser("manage.py", name)
        parser.parse_args(args[1:])


def test_the_readme_prints_the_import_commands():
    names = {printed.split()[0] for printed in printed_commands()}
    assert {"import_bibtex", "import_orcid", "export", "backup", "restore"} <= names
