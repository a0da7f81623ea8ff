"""Rows turned into database values before a write transaction, written inside it in one pass.

Django's ``bulk_create`` and ``bulk_update`` convert every value to its database form while the
transaction is open, and on SQLite in statements of at most 999 values: for a 10,000-meeting
import that Python work alone held SQLite's write lock (which stops every other writer) for
seconds. Here ``prepare`` does the conversion first, so the transaction only runs
``executemany`` over ready rows.
"""

from django.db import connection


def columns(model, names):
    return [model._meta.get_field(name) for name in names]


def prepare(model, objs, names, *, add):
    """Database values of ``names`` for each object, as ``insert`` and ``update`` take them.

    ``add`` is True for new rows: auto_now_add and auto_now fields take the time now.
    """
    fields = columns(model, names)
    return [
        [field.get_db_prep_save(field.pre_save(obj, add), connection) for field in fields]
        for obj in objs
    ]


def _insert_sql(model, names, rows=1):
    """An INSERT of ``rows`` rows of ``names``, their values to bind in order."""
    quote = connection.ops.quote_name
    cols = ", ".join(quote(field.column) for field in columns(model, names))
    marks = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * rows)
    return f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES {marks}"  # noqa: S608


def insert(model, names, rows):
    """Insert prepared rows with one executemany (their primary keys are not read back)."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(model, names), rows)


# Rows a multi-row INSERT ... RETURNING carries at most: fewer where the database caps the values
# one statement may bind (Django's bulk_batch_size knows SQLite's cap).
RETURNING_BATCH = 500


def insert_returning(model, names, rows, objs):
    """Insert prepared rows, setting each object's primary key: a statement for many rows where
    the database returns their keys in order (as Django's bulk_create relies on), else one each."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        if connection.features.can_return_rows_from_bulk_insert:
            size = max(1, min(RETURNING_BATCH, connection.ops.bulk_batch_size(names, rows)))
            returning = f" RETURNING {connection.ops.quote_name(pk.column)}"
            for start in range(0, len(rows), size):
                batch = rows[start : start + size]
                sql = _insert_sql(model, names, len(batch)) + returning
                cursor.execute(sql, [value for row in batch for value in row])
                keys = [key for (key,) in cursor.fetchall()]
                for obj, key in zip(objs[start : start + size], keys, strict=True):
                    obj.pk = key
        else:
            sql = _insert_sql(model, names)
            for row, obj in zip(rows, objs, strict=True):
                cursor.execute(sql, row)
                obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, pk.column)
    for obj in objs:
        obj._state.adding = False


def update(model, names, rows, objs):
    """Set ``names`` of each object's row to its prepared values, with one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns(model, names))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*row, obj.pk] for row, obj in zip(rows, objs, strict=True)])
