"""Rows in bulk through PostgreSQL's COPY, for imports of thousands of papers.

``bulk_create`` sends one INSERT per batch whose every value psycopg quotes into the SQL
text (Django binds on the client), which took most of a 5,000-paper import; COPY streams
the same rows several times faster. Like ``bulk_create`` it sends no signals and runs
each field's ``pre_save`` (timestamps, normalised identifiers); unlike it, the primary
keys are drawn from the table's sequence first, so the instances know them.
``update_columns`` is the same for an UPDATE of many rows (the stored renders).
"""

from django.db import connection, models

# Field classes whose value is the column's as it stands: no pre_save, no conversion.
PLAIN = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.CharField,
        models.TextField,
        models.SlugField,
        models.URLField,
        models.BooleanField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.ForeignKey,
        models.OneToOneField,
    }
)


def copy_insert(instances: list[models.Model]) -> None:
    """Inserts unsaved instances of one model, setting their primary keys."""
    if not instances:
        return
    opts = type(instances[0])._meta
    pk = opts.pk
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(instances)],
        )
        for instance, (key,) in zip(instances, cursor.fetchall(), strict=True):
            setattr(instance, pk.attname, key)
        fields = opts.concrete_fields
        columns = ", ".join(quote(f.column) for f in fields)
        # Plain columns are written as they stand; the rest go through Django's conversion.
        plain = [type(f) in PLAIN for f in fields]
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                values = instance.__dict__
                copy.write_row(
                    [
                        values[f.attname]
                        if fast
                        else f.get_db_prep_save(f.pre_save(instance, True), connection)
                        for f, fast in zip(fields, plain, strict=True)
                    ]
                )
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias


def update_columns(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """Sets the fields ``names`` of many rows in one UPDATE: each row is (pk, value, ...).

    ``bulk_update`` writes a CASE of every row for every field, whose SQL grows with the
    rows times the fields; here each field is one array, joined to the table by the keys.
    """
    if not rows:
        return
    opts = model._meta
    fields = [opts.pk, *(opts.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
    assignments = ", ".join(f"{column} = v.{column}" for column in columns[1:])
    sql = (
        f"UPDATE {quote(opts.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v({', '.join(columns)}) "
        f"WHERE t.{columns[0]} = v.{columns[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
