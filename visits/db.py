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
- `selected_once`: a read of one shape compiled once with stand-ins for its values (the compiler's
  SELECT and its map of columns to the model and the rows joined by select_related), then run
  with the real values and its rows made into instances as a queryset would make them.
"""

import functools
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DEFERRED, AutoField, Model, QuerySet, sql
from django.db.models.query import ValuesIterable
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


_fields_inserted: dict[tuple, tuple] = {}


def _insert_fields(model, with_pk: bool) -> tuple:
    key = (model, with_pk)
    if key not in _fields_inserted:
        fields = [field for field in model._meta.concrete_fields if not field.generated]
        _fields_inserted[key] = tuple(field for field in fields if with_pk or not isinstance(field, AutoField))
    return _fields_inserted[key]


# The INSERT text of each shape (model, number of rows, ids given, vendor), from Django's compiler the
# first time: compiling it cost more CPU than the rest of a report's write.
_insert_texts: dict[tuple, str] = {}


def _insert_sql(rows) -> tuple[str, tuple]:
    """The bulk INSERT of rows of one model, as bulk_create makes it (their defaults, auto_now times and
    foreign keys set on them), but for the rows as VALUES: PostgreSQL's compiler sends them as arrays
    to UNNEST, which saves planning for hundreds of rows but costs the driver more for a few. The
    values are prepared as the compiler prepares them (each field's pre_save, then get_db_prep_save);
    its text is reused while every value takes a plain placeholder."""
    model = type(rows[0])
    with_pk = rows[0].pk is not None
    fields = _insert_fields(model, with_pk)
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="bulk_create")
    values = [field.pre_save(row, True) for row in rows for field in fields]
    key = (model, len(rows), with_pk, connection.vendor)
    plain = not any(hasattr(value, "resolve_expression") for value in values)
    if plain and key in _insert_texts:
        return _insert_texts[key], tuple(
            field.get_db_prep_save(value, connection=connection) for field, value in zip(fields * len(rows), values))
    query = sql.InsertQuery(model)
    # The values just set by pre_save (auto_now times) are the ones compiled: the compiler's own
    # pre_save call reads the same instance, so the raw flag makes it take them as they are.
    query.insert_values(fields, rows, raw=True)
    [statement] = SQLInsertCompiler(query, connection, connection.alias).as_sql()
    if plain and not any(getattr(field, "get_placeholder", None) for field in fields):
        _insert_texts[key] = statement[0]
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


STAND_IN_KINDS = (int, str, uuid.UUID, date)


def stand_in(n: int, kind: type = int):
    """The n-th stand-in of a read built once, of the type of the value it stands for: a number no row
    has, a text no row holds (a NUL), a UUID no phone makes (version 4 has its own bits), a date of
    the first century."""
    if kind is uuid.UUID:
        return uuid.UUID(int=n + 1)
    if kind is date:
        return date(1, 1, 1) + timedelta(days=n)
    return STAND_IN - n if kind is int else f"\x00stand-in-{n}"


class _Shape:
    """A read compiled once: its SQL, its parameters (stand-ins among them) and how a row becomes instances."""

    def __init__(self, queryset: QuerySet):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        info = compiler.klass_info
        # A values() read has no instances: its rows become dicts under the names values() gives them.
        query = queryset.query
        values = issubclass(queryset._iterable_class, ValuesIterable)
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select] if values else None
        self.main = None if values else self._columns(info, compiler.select)
        # One level of select_related: each joined row and the setter that hangs it on the main one.
        self.joined = [(self._columns(related, compiler.select), related["local_setter"])
                       for related in ([] if values else info.get("related_klass_infos", []))]
        self.annotations = dict(compiler.annotation_col_map)
        # What the database's values go through on their way to the fields (JSON decoded, say).
        self.converters = compiler.get_converters([column[0] for column in compiler.select])

    @staticmethod
    def _columns(info: dict, select) -> tuple:
        model = info["model"]
        index = {select[i][0].target.attname: i for i in info["select_fields"]}
        return model, [index.get(field.attname) for field in model._meta.concrete_fields], index[model._meta.pk.attname]

    def instances(self, rows) -> list:
        alias = connection.alias
        made: list = []
        for row in rows:
            if self.converters:
                row = list(row)
                for i, (converters, expression) in self.converters.items():
                    for converter in converters:
                        row[i] = converter(row[i], expression, connection)
            if self.names is not None:
                made.append(dict(zip(self.names, row)))
                continue
            assert self.main is not None
            obj = self._make(self.main, row, alias)
            for columns, setter in self.joined:
                # A LEFT JOIN that found nothing (a user of no scheme) leaves None, as select_related does.
                setter(obj, None if row[columns[2]] is None else self._make(columns, row, alias))
            for name, i in self.annotations.items():
                setattr(obj, name, row[i])
            made.append(obj)
        return made

    @staticmethod
    def _make(columns: tuple, row, alias: str) -> Model:
        model, positions, _ = columns
        values = [DEFERRED if i is None else row[i] for i in positions]
        return model.from_db(alias, None, values)


def selected_once(build: Callable[..., QuerySet]) -> Callable[..., list]:
    """`build(*key)` gives a queryset of one shape, with `stand_in(n)` for its n-th value; the result,
    given the key and the values, gives its instances (with their select_related rows and annotations),
    or for a values() read its dicts, as the queryset would, compiled once per key and database vendor. For reads on every request,
    where compiling the SELECT costs more CPU than the database takes to answer it."""

    @functools.cache
    def built(vendor: str, *key) -> _Shape | None:
        try:
            return _Shape(build(*key))
        except EmptyResultSet:  # a shape that matches nothing whatever its values (an empty IN list)
            return None

    def read(*key, values: Sequence) -> list:
        shape = built(connection.vendor, *key)
        if shape is None:
            return []
        real = {}
        for n, value in enumerate(values):
            for kind in STAND_IN_KINDS:
                real[stand_in(n, kind)] = value
        params = [real.get(param, param) if isinstance(param, STAND_IN_KINDS) else param for param in shape.params]
        with connection.cursor() as cursor:
            cursor.execute(shape.sql, params)
            return shape.instances(cursor.fetchall())

    return read
