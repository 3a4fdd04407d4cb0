"""New people and their whole records, written from the HR frames in bulk: ``COPY … FROM STDIN`` on
PostgreSQL (CSV written by Polars, in blocks), ``executemany`` elsewhere. No model object per row: an
import of 200,000 people with millions of rows stays within minutes and a bounded memory.

The caller holds the transaction (an import is all or nothing).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Collection, Iterator
from typing import Any

import polars as pl
from django.db import connection, models
from django.utils import timezone

from qualify.formats.hrdata import HRFrames
from qualify.web.people.models import ElementRating, Evidence, ExamResult, PerformanceRating, Person

log = logging.getLogger(__name__)
BLOCK = 100_000  # rows per COPY block or executemany call
ID_CHUNK = 5_000  # employee ids per look-up query (SQLite; PostgreSQL takes them all as one array)
LARGE = 200_000  # rows into one table from which its constraints and indexes are made again after


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("")


def _iso(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Date).dt.strftime("%Y-%m-%d")


def _json_list(name: str) -> pl.Expr:
    """A list of codes as JSON text (``["a","b"]``), vectorised."""
    escaped = (pl.element().str.replace_all("\\", "\\\\", literal=True)
               .str.replace_all('"', '\\"', literal=True))
    joined = pl.col(name).fill_null([]).list.eval(escaped).list.join('","')
    return (pl.when(pl.col(name).fill_null([]).list.len() == 0).then(pl.lit("[]"))
            .otherwise(pl.concat_str([pl.lit('["'), joined, pl.lit('"]')])))


def _check_pending(cursor: Any) -> None:
    """Check the deferred constraints of what this transaction wrote so far (a table with pending
    checks cannot be altered), then defer again."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def _checks_once(table: str, cursor: Any) -> Iterator[None]:
    """PostgreSQL, a large insert: the table's foreign keys, unique constraints and indexes are
    dropped and made again after it, in the same transaction, so that each is checked or built once
    over the whole table instead of row by row (a deferred foreign-key check per row alone took
    longer than the copy). Until the transaction ends the table is locked (its readers wait)."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
                   [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
                   "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [table])
    indexes = cursor.fetchall()
    quoted = connection.ops.quote_name(table)
    _check_pending(cursor)
    for name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    _check_pending(cursor)
    # The index builds sort in memory (this transaction only).
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in reversed(constraints):
        cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert the rows of ``frame`` (its columns: the table's column names, values ready for the
    database) into the model's table; how many."""
    if frame.is_empty():
        return 0
    started = time.perf_counter()
    try:
        return _insert_checked_once(model, frame)
    finally:
        log.info("%s: %d rows in %.1f s", model._meta.db_table, frame.height, time.perf_counter() - started)


def _insert_checked_once(model: type[models.Model], frame: pl.DataFrame) -> int:
    if connection.vendor == "postgresql" and frame.height >= LARGE:
        with connection.cursor() as cursor, _checks_once(model._meta.db_table, cursor):
            return _insert(model, frame)
    return _insert(model, frame)


def _insert(model: type[models.Model], frame: pl.DataFrame) -> int:
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, frame.height, BLOCK):
                    text = frame.slice(start, BLOCK).write_csv(include_header=False,
                                                               quote_style="non_numeric")
                    copy.write(text.encode("utf-8"))
        else:
            marks = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 names from the model
            for start in range(0, frame.height, BLOCK):
                cursor.executemany(sql, frame.slice(start, BLOCK).rows())
    return frame.height


def people_by_id(employee_ids: list[str], column: str) -> list[tuple[str, Any]]:
    """``(employee_id, column)`` of those of ``employee_ids`` on record: one query with an array on
    PostgreSQL, chunks of ``ID_CHUNK`` elsewhere."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT employee_id, {quote(column)} FROM {quote(Person._meta.db_table)} "  # noqa: S608 names from the model
                           "WHERE employee_id = ANY(%s)", [employee_ids])
            return [(str(i), value) for i, value in cursor.fetchall()]
    pairs: list[tuple[str, Any]] = []
    for start in range(0, len(employee_ids), ID_CHUNK):
        chunk = employee_ids[start:start + ID_CHUNK]
        pairs += Person.objects.filter(employee_id__in=chunk).values_list("employee_id", column)
    return pairs


def person_ids(employee_ids: list[str]) -> pl.DataFrame:
    """``employee_id`` → ``person_id`` of those on record."""
    pairs = people_by_id(employee_ids, "id")
    return pl.DataFrame(pairs, schema={"employee_id": pl.String, "person_id": pl.Int64}, orient="row")


def add_people(frames: HRFrames, employee_ids: Collection[str], unit_ids: dict[str, int | None]) -> None:
    """Create the people ``employee_ids`` (none is on record) with their records from ``frames``.
    ``unit_ids``: the organisation unit's id for each ``org_unit`` code of the frames."""
    wanted = list(employee_ids)
    everyone = len(wanted) == frames.employees.height

    def rows(name: str) -> pl.DataFrame:
        frame = frames.sheet(name)
        return frame if everyone else frame.filter(pl.col("employee_id").is_in(wanted))

    now = str(connection.ops.adapt_datetimefield_value(timezone.now()))
    units = pl.DataFrame({"org_unit": list(unit_ids), "org_unit_id": list(unit_ids.values())},
                         schema={"org_unit": pl.String, "org_unit_id": pl.Int64})
    people = (rows("employees").with_columns(_text("org_unit"))
              .join(units, on="org_unit", how="left")
              .select("employee_id", _text("name").alias("name"), "org_unit_id", "job_family",
                      "current_level", _iso("hire_date").alias("hire_date"),
                      _iso("family_start_date").alias("family_start_date"),
                      pl.lit(now).alias("updated_at")))
    insert_frame(Person, people)
    ids = person_ids(wanted)

    def owned(name: str, *columns: pl.Expr | str) -> pl.DataFrame:
        return rows(name).join(ids, on="employee_id", how="inner").select("person_id", *columns)

    insert_frame(PerformanceRating, owned("performance", "period", "rating"))
    insert_frame(ExamResult, owned("exams", "sitting", "exam", "score"))
    insert_frame(Evidence, owned(
        "evidence", "evidence_id", "activity", _iso("date").alias("date"),
        *(_text(c).alias(c) for c in ("role", "audience", "scope", "project_kind", "outcome")),
        _json_list("deliverables").alias("deliverables"), _text("note").alias("note"),
        pl.lit(Evidence.Source.IMPORT.value).alias("source")))
    insert_frame(ElementRating, owned("ratings", "level", "element", _text("assessor").alias("assessor"),
                                      "rating", _text("comment").alias("comment")))
