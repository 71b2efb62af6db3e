"""Statement-level work below the ORM, fenced: the only module that uses Django's private API (its
INSERT compiler, a model's preparation of related fields for a bulk INSERT), so that an upgrade
that changes them breaks here, where tests/visits/test_db.py names each risk, and nowhere else.

- `NewRows`: new rows of several tables in one round trip: a report, its visitors, issues, their
  first events, its seen profile and its outbox rows. On PostgreSQL the rows wait until `write()`,
  then go in one statement: each table's bulk INSERT, as bulk_create would write it, is a
  data-modifying CTE of it. The rows that others refer to take their ids from their sequences
  beforehand, in one query for them all, so the rows can be built referring to each other before
  any is written; foreign keys are checked at commit, so the order of the INSERTs in the statement
  does not matter. Elsewhere (SQLite) each `add()` is a bulk_create at once, which gives the rows
  their ids.
- `compiled_once` and `execute_together`: statements built from querysets once per shape with a
  stand-in for one value (compiling them costs more CPU than running them), then run with the
  real value, all in one round trip on PostgreSQL.
"""

import functools
from collections.abc import Callable

from django.db import connection
from django.db.models import AutoField, sql
from django.db.models.sql.compiler import SQLInsertCompiler

Statement = tuple[str, tuple]




class NewRows:
    """The new rows of one write, added in the order they refer to each other."""

    def __init__(self, *, ids: dict | None = None):
        """`ids`: how many rows of each model will be referred to before they are written. Without
        it, each batch is written as it is added."""
        self.together = ids is not None and connection.vendor == "postgresql"
        self._ids = _ids_reserve(ids) if ids is not None and self.together else {}
        self._batches: list = []

    def add(self, rows) -> list:
        """New rows of one model; returned with their ids, unless they wait for `write()` and nothing
        was reserved for their model (rows nothing refers to: links, events)."""
        rows = list(rows)
        if not rows:
            return rows
        model = type(rows[0])
        if not self.together:
            return model.objects.bulk_create(rows)
        if model in self._ids:
            ids = self._ids[model]
            if len(ids) < len(rows):
                raise ValueError(f"{len(rows)} new {model.__name__} rows, ids reserved for {len(ids)}")
            for row in rows:
                row.pk = ids.pop(0)
        self._batches.append(rows)
        return rows

    def write(self) -> None:
        """Write the rows added so far in one statement (when they were not written as added)."""
        if not self._batches:
            return
        inserts = [_insert_sql(rows) for rows in self._batches]
        *first, (last, _) = inserts
        ctes = ", ".join(f"new_{n} AS ({insert})" for n, (insert, _) in enumerate(first))
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {ctes} {last}" if first else last,
                           [param for _, params in inserts for param in params])
        for rows in self._batches:
            for row in rows:
                row._state.adding, row._state.db = False, connection.alias
        self._batches = []


def _ids_reserve(counts: dict) -> dict:
    wanted = [(model, count) for model, count in counts.items() if count]
    if not wanted:
        return {}
    reserve = "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))"
    params = []
    for model, count in wanted:
        params += [model._meta.db_table, model._meta.pk.column, count]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([reserve] * len(wanted)), params)
        reserved = cursor.fetchone()
    return {model: list(ids) for (model, _), ids in zip(wanted, reserved)}


def _insert_sql(rows) -> tuple[str, tuple]:
    """The bulk INSERT of rows of one model, as bulk_create makes it (their defaults, auto_now times and
    foreign keys set on them), but for the rows as VALUES: PostgreSQL's compiler sends them as arrays
    to UNNEST, which saves planning for hundreds of rows but costs the driver more for a few."""
    model = type(rows[0])
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    if rows[0].pk is None:
        fields = [field for field in fields if not isinstance(field, AutoField)]
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="bulk_create")
    query = sql.InsertQuery(model)
    query.insert_values(fields, rows)
    [statement] = SQLInsertCompiler(query, connection, connection.alias).as_sql()
    return statement


# Stands for the one value a statement built once is for (a report's id): a number no row has.
STAND_IN = -7_000_000_001


def compiled_once(build: Callable[..., list[Statement]]) -> Callable[..., list[Statement]]:
    """`build(*key)` gives the statements of one shape with STAND_IN where the value goes; the
    result, given the key and the value, gives them with the value in place, built once per key
    and database vendor."""

    @functools.cache
    def built(vendor: str, *key) -> list[Statement]:
        return build(*key)

    def statements(*key, value) -> list[Statement]:
        return [(text, tuple(value if param == STAND_IN else param for param in params))
                for text, params in built(connection.vendor, *key)]

    return statements


def execute_together(statements: list[Statement], *, prefix: str = "step") -> None:
    """All in one round trip on PostgreSQL (data-modifying WITH); one by one elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, last = statements
            text = "WITH " + ", ".join(f"{prefix}_{n} AS ({s})" for n, (s, _) in enumerate(first)) + " " + last[0]
            cursor.execute(text, [p for _, params in statements for p in params])
            return
        for text, params in statements:
            cursor.execute(text, params)
