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


def _insert_sql(model, names):
    quote = connection.ops.quote_name
    cols = ", ".join(quote(field.column) for field in columns(model, names))
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608


def insert(model, names, rows):
    """Insert prepared rows with one executemany (their primary keys are not read back)."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(model, names), rows)


def insert_returning(model, names, rows, objs):
    """Insert prepared rows one statement each, setting each object's primary key."""
    sql = _insert_sql(model, names)
    pk = model._meta.pk
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(pk.column)}"
    with connection.cursor() as cursor:
        for row, obj in zip(rows, objs, strict=True):
            cursor.execute(sql, row)
            if returning:
                obj.pk = cursor.fetchone()[0]
            else:
                obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, pk.column)
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
