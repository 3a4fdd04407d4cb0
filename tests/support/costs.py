"""What a request costs the database: the queries it sends and the rows it reads back.

``counting()`` counts the queries (Django's ``CaptureQueriesContext``) and every row the ORM fetches
(``SQLCompiler.execute_sql`` wrapped: the rows of each chunk of a ``SELECT``, one for a single-row
fetch such as a count), so a test can assert that a page reads as much with 2,000 people as with 20.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.constants import MULTI, SINGLE
from django.test.utils import CaptureQueriesContext


@dataclass
class Cost:
    queries: int = 0
    rows: int = 0
    sql: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.queries} queries, {self.rows} rows"


@contextmanager
def counting() -> Iterator[Cost]:
    cost = Cost()
    original = SQLCompiler.execute_sql

    def counted(chunks: Any) -> Iterator[Any]:
        for chunk in chunks:
            cost.rows += len(chunk)
            yield chunk

    def execute_sql(self: SQLCompiler, result_type: str = MULTI, *args: Any, **kwargs: Any) -> Any:
        result = original(self, result_type, *args, **kwargs)
        if result_type == MULTI and result is not None:
            return counted(result)
        if result_type == SINGLE and result is not None:
            cost.rows += 1
        return result

    SQLCompiler.execute_sql = execute_sql  # type: ignore[method-assign]
    try:
        with CaptureQueriesContext(connection) as queries:
            yield cost
    finally:
        SQLCompiler.execute_sql = original  # type: ignore[method-assign]
    cost.queries = len(queries.captured_queries)
    cost.sql = [q["sql"] for q in queries.captured_queries]
