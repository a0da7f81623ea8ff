"""A SQL formula over a few columns, built and compiled as one expression.

The search's arithmetic (haversine distance, minutes until the next start, the "best" score) is
dozens of operations. Written as a tree of Django expressions, every search built, copied and
compiled hundreds of nodes, which cost most of a search's time; written as one formula, it costs
a few. Its constants are written in the SQL text; what changes from one search to the next (the
searcher's place, the minute of the week) goes in as query parameters, so two searches of the
same kind send the same SQL text, which the database can keep compiled: SQLite's statement cache
and PostgreSQL's prepared statements are keyed by the text. The only strings in the text are time
zone names from the tz database, checked by ``zone_names``, so nothing a visitor typed enters
the SQL text this way.
"""

import re
from string import Formatter

from django.db.models import BooleanField, Func, Subquery

ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def number(value):
    """A number as SQL text; negative ones in brackets, so "a - -1" cannot become a comment."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    text = repr(value)
    return f"({text})" if value < 0 else text


def zone_names(names):
    """A list of time zone names as SQL text for IN (...)."""
    for name in names:
        if not ZONE_NAME.match(name):
            raise ValueError(f"{name!r} is not a time zone name")
    return ", ".join(f"'{name}'" for name in names)


class Formula(Func):
    """``formula`` with ``{0}``, ``{1}``... standing for the SQL of ``expressions`` and ``{name}``
    for the query parameter ``values[name]`` (a number that varies between searches).

    Write a literal "%" as "%%": the SQL goes to the database driver with %s placeholders.
    """

    def __init__(self, formula, *expressions, output_field, values=None):
        super().__init__(*expressions, output_field=output_field)
        self.formula = formula
        self.values = values or {}

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        sql, params = [], []
        # An expression or value may appear more than once: its parameters go in at each.
        for literal, field, _, _ in Formatter().parse(self.formula):
            sql.append(literal)
            if field is None:
                continue
            if field.isdigit():
                expression_sql, expression_params = compiled[int(field)]
                sql.append(expression_sql)
                params.extend(expression_params)
            else:
                sql.append("%s")
                params.append(self.values[field])
        return "(" + "".join(sql) + ")", params


class InSubquery(Func):
    """True for rows whose ``column`` is among the values ``subquery`` selects.

    SQL's ``column IN (SELECT ...)``, except on PostgreSQL, where it is written
    ``column = ANY(ARRAY(SELECT ...))``: the subquery then runs once, before the scan, and its
    values become an index condition. Its planner cannot use an index for an ``IN (SELECT ...)``
    on one side of an OR, so the search for local and online meetings together read the whole
    meetings table (42 ms at 100,000 meetings, against 5 ms with the index).
    """

    output_field = BooleanField()

    def __init__(self, column, subquery):
        super().__init__(column, Subquery(subquery), output_field=BooleanField())

    def as_sql(self, compiler, connection, **extra_context):
        (column, column_params), (values, values_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{values})", (*column_params, *values_params)
        return f"{column} IN {values}", (*column_params, *values_params)
