"""The dashboard process's way into the database: short connections under a local RW lock.

Within one process DuckDB refuses a read-write connection to a file while a read-only one is
open (and the reverse): "Can't open a connection to same database file with a different
configuration" (checked with DuckDB 2.0). The dashboard serves many sessions from threads of
one process, and most of them read while a manager may record a decision or the first run may
build the demo data. So reads share a process-wide lock and writes take it exclusively; across
processes the file lock and ``monitoring.db``'s retries do the rest (decision record 0001).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from monitoring import db

T = TypeVar("T")

# Dashboard reads give up sooner than the CLI: a page should say "busy" rather than hang.
READ_WAIT_SECONDS = 20.0


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds new readers back (no starvation)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


LOCK = ReadWriteLock()


def read(path: str | Path, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``work`` on a short-lived read-only connection."""
    with LOCK.reading():
        return db.read(path, work, wait=READ_WAIT_SECONDS)


def write(
    path: str | Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    wait: float = db.LOCK_WAIT_SECONDS,
) -> T:
    """Run ``work`` in one transaction on a short-lived read-write connection.

    :param wait: seconds to keep retrying while another process holds the file.
    """
    with LOCK.writing():
        return db.write(path, work, wait=wait)


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold off every dashboard read and write (for long jobs that open their own connections)."""
    with LOCK.writing():
        yield
