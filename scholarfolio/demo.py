"""Load declarative demo rows into the database, repeatably and without clobbering edits.

The rows are read from the TOML files in ``demo_data/`` (:func:`demo_rows`). Each
:class:`Row` has a stable ``key``. The first load creates the row and stores a
:class:`~core.models.SeedRecord` with a fingerprint of the values written. Later loads
update the row only while its current values still match that fingerprint; a row an
editor changed, or deleted, is left as the editor left it.
"""

import hashlib
import json
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from core.models import SeedRecord
from core.search_updates import deferred_search_updates
from profiles import cards
from publications import rendering
from publications.importer import import_lock
from scholarfolio.search import search_vectors_rebuild

DEMO_DATA = Path(__file__).resolve().with_name("demo_data")


@dataclass(frozen=True)
class Ref:
    """A reference to another row of the demo data by its key."""

    key: str


@dataclass
class Row:
    key: str
    model: str
    lookup: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    m2m: dict[str, list[Ref]] = field(default_factory=dict)
    # Where the row was read, for error messages.
    source: str = field(default="", compare=False)

    @property
    def fields(self) -> dict[str, Any]:
        return {**self.lookup, **self.values}


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.kept_edited)} kept as edited",
            f"{len(self.kept_deleted)} kept deleted",
            f"{len(self.adopted)} already present",
        ]
        return ", ".join(parts)


class DemoDataError(ValueError):
    """A data file that does not read as demo rows; the message names the file and row."""


def demo_rows(directory: Path | None = None) -> list[Row]:
    """The rows of every ``*.toml`` file in ``directory``, by default :data:`DEMO_DATA`."""
    paths = sorted((directory or DEMO_DATA).glob("*.toml"))
    return [row for path in paths for row in read_rows(path)]


def read_rows(path: Path) -> list[Row]:
    """A file's ``[[app.Model]]`` tables as rows."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DemoDataError(f"{path}: {error}") from error
    rows = []
    for app_label, tables_by_model in data.items():
        if not isinstance(tables_by_model, dict):
            raise DemoDataError(f"{path}: {app_label!r} is not an [[app.Model]] row")
        for model_name, tables in tables_by_model.items():
            label = f"{app_label}.{model_name}"
            if not (isinstance(tables, list) and all(isinstance(t, dict) for t in tables)):
                raise DemoDataError(f"{path}: {label}: rows are tables written [[{label}]]")
            try:
                model = apps.get_model(label)
            except LookupError:
                raise DemoDataError(f"{path}: [[{label}]]: no such model") from None
            for number, table in enumerate(tables, start=1):
                rows.append(table_row(path, model, label, number, table))
    return rows


def table_row(path: Path, model: type[models.Model], label: str, number: int, table: dict) -> Row:
    """One ``[[app.Model]]`` table as a row: its ``key``; ``lookup``, the names of the
    fields that find a row an editor made (one the table leaves out is matched as NULL);
    and the model's fields, where a relation holds the key of the row it points at and a
    many-to-many field a list of keys."""
    values = dict(table)
    key = values.pop("key", None)
    if not isinstance(key, str) or not key:
        raise DemoDataError(f"{path}: [[{label}]] number {number} has no key")
    where = f"{path}: {key}"
    names = values.pop("lookup", None)
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        raise DemoDataError(f"{where}: lookup must list the fields that find the row")

    def field_named(name: str) -> models.Field:
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            found = None
        if found is None or (found.auto_created and not found.concrete):
            raise DemoDataError(f"{where}: {label} has no field {name!r}")
        return found

    fields: dict[str, Any] = {}
    m2m: dict[str, list[Ref]] = {}
    for name, value in values.items():
        model_field = field_named(name)
        if model_field.many_to_many:
            if not (isinstance(value, list) and all(isinstance(k, str) for k in value)):
                raise DemoDataError(f"{where}: {name} must list the keys of rows")
            m2m[name] = [Ref(k) for k in value]
        elif model_field.is_relation:
            if not isinstance(value, str):
                raise DemoDataError(f"{where}: {name} must be the key of a row")
            fields[name] = Ref(value)
        else:
            fields[name] = value
    for name in names:
        if field_named(name).many_to_many:
            raise DemoDataError(f"{where}: lookup cannot name the many-to-many field {name!r}")
    lookup = {name: fields.pop(name, None) for name in names}
    return Row(key=key, model=label, lookup=lookup, values=fields, m2m=m2m, source=str(path))


def _where(row: Row) -> str:
    return f"{row.source}: {row.key}" if row.source else row.key


def dependency_order(rows: list[Row]) -> list[Row]:
    """The rows in the order given, except that each comes after the rows it refers to:
    the data files may list their rows in any order."""
    by_key = {row.key: row for row in rows}
    ordered: list[Row] = []
    placed: set[str] = set()
    path: list[str] = []

    def place(row: Row) -> None:
        if row.key in placed:
            return
        if row.key in path:
            circle = " -> ".join([*path[path.index(row.key) :], row.key])
            raise ValueError(f"demo rows refer to each other in a circle: {circle}")
        path.append(row.key)
        targets = [value for value in row.fields.values() if isinstance(value, Ref)]
        targets += [ref for refs in row.m2m.values() for ref in refs]
        for ref in targets:
            if ref.key not in by_key:
                raise ValueError(f"{_where(row)}: refers to unknown key {ref.key!r}")
            place(by_key[ref.key])
        path.pop()
        placed.add(row.key)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def _plain(value: Any) -> Any:
    if isinstance(value, Ref):
        return f"ref:{value.key}"
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def source_hash(row: Row) -> str:
    data = {
        "model": row.model,
        "fields": {name: _plain(value) for name, value in row.fields.items()},
        "m2m": {name: _plain(refs) for name, refs in row.m2m.items()},
    }
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def written_fields(row: Row) -> list[str]:
    """The names a row writes; many-to-many ones prefixed with 'm2m:'."""
    return sorted(row.fields) + sorted(f"m2m:{name}" for name in row.m2m)


def fingerprint(obj: models.Model, names: list[str]) -> str:
    data = {}
    for name in names:
        if name.startswith("m2m:"):
            data[name] = sorted(getattr(obj, name[4:]).values_list("pk", flat=True))
        else:
            data[name] = obj._meta.get_field(name).value_from_object(obj)
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


class DemoLoader:
    def __init__(self):
        self.objects: dict[str, models.Model] = {}
        self.result = DemoResult()

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            try:
                return self.objects[value.key]
            except KeyError:
                # dependency_order placed every row it refers to before it: this one is gone.
                raise LookupError(f"refers to {value.key!r}, which an editor deleted") from None
        return value

    def resolved(self, mapping: dict[str, Any]) -> dict[str, Any]:
        return {name: self.resolve(value) for name, value in mapping.items()}

    def write(self, obj: models.Model, row: Row) -> None:
        for name, value in self.resolved(row.fields).items():
            setattr(obj, name, value)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        for name, refs in row.m2m.items():
            getattr(obj, name).set([self.resolve(ref) for ref in refs])
        obj.refresh_from_db()

    def reset_dropped(self, obj: models.Model, names: set[str]) -> None:
        """A value the demo data no longer gives goes back to the field's default."""
        for name in names:
            if name.startswith("m2m:"):
                getattr(obj, name[4:]).clear()
            else:
                setattr(obj, name, obj._meta.get_field(name).get_default())

    def load_row(self, row: Row) -> None:
        model = apps.get_model(row.model)
        record = SeedRecord.objects.filter(key=row.key).first()
        if record is not None:
            obj = model._default_manager.filter(pk=record.object_id).first()
            if obj is None:
                self.result.kept_deleted.append(row.key)
                return
            self.objects[row.key] = obj
            if fingerprint(obj, record.fields) != record.fingerprint:
                self.result.kept_edited.append(row.key)
                return
            if record.source_hash == source_hash(row):
                self.result.unchanged.append(row.key)
                return
            self.reset_dropped(obj, set(record.fields) - set(written_fields(row)))
            self.write(obj, row)
            record.fields = written_fields(row)
            record.fingerprint = fingerprint(obj, record.fields)
            record.source_hash = source_hash(row)
            record.save(update_fields=["fields", "fingerprint", "source_hash", "loaded"])
            self.result.updated.append(row.key)
            return

        existing = model._default_manager.filter(**self.resolved(row.lookup)).first()
        if existing is not None:
            # Made by an editor (or an import) before the demo knew it: never overwrite.
            self.objects[row.key] = existing
            self.result.adopted.append(row.key)
            return

        obj = model()
        self.write(obj, row)
        self.objects[row.key] = obj
        SeedRecord.objects.create(
            key=row.key,
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk,
            fields=written_fields(row),
            fingerprint=fingerprint(obj, written_fields(row)),
            source_hash=source_hash(row),
        )
        self.result.created.append(row.key)


@transaction.atomic
def demo_load(*, rows: list[Row], on_wait: Callable[[], None] | None = None) -> DemoResult:
    counts = Counter(row.key for row in rows)
    duplicates = sorted({_where(row) for row in rows if counts[row.key] > 1})
    if duplicates:
        raise ValueError(f"duplicate demo keys: {', '.join(duplicates)}")
    rows = dependency_order(rows)
    # Two loads at once would insert the same rows, and the second fail on a unique key
    # once the first commits; a load and an import would collide on slugs and people. So
    # they take turns under the import lock, taken first, before any read: what is read
    # after the wait includes the other's rows.
    import_lock(wait=on_wait or (lambda: None))
    loader = DemoLoader()
    with deferred_search_updates():
        for row in rows:
            try:
                loader.load_row(row)
            except (ValidationError, IntegrityError, LookupError, TypeError) as error:
                raise ValueError(f"{_where(row)}: {error}") from error
    search_vectors_rebuild()
    rendering.render_all()
    cards.render_all()
    return loader.result
