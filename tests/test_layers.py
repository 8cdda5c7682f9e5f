"""The apps stand in one order, core < profiles < publications < events < cv < inbox <
scholarfolio: a module imports only from its own app and the ones below it, and a model's
foreign keys point only down, so the apps (and their migrations from cv/0001 on) never
loop."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ORDER = ["core", "profiles", "publications", "events", "cv", "inbox", "scholarfolio"]
ROOT = Path(settings.BASE_DIR)


def imported_apps(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


def modules():
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


@pytest.mark.parametrize(("app", "path"), list(modules()), ids=lambda v: str(v))
def test_a_module_imports_only_its_own_app_and_those_below(app, path):
    above = {name for name in imported_apps(path) if ORDER.index(name) > ORDER.index(app)}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}, above {app}"


def test_the_project_apps_are_installed_in_that_order():
    project = [
        config.label for config in apps.get_app_configs() if Path(config.path).parent == ROOT
    ]
    assert project == ORDER


@pytest.mark.parametrize("app", ORDER)
def test_foreign_keys_point_only_down(app):
    upward = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.related_model is not None
        and field.related_model._meta.app_label in ORDER
        and ORDER.index(field.related_model._meta.app_label) > ORDER.index(app)
    ]
    assert not upward
