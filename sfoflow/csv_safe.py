"""The one CSV writer: every export sfoflow writes (downloads, API, commands) goes through it.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and tab or
carriage return can hide one), so text typed by a person (a manager's reason, a provider, a
note) could run in whoever opens the export. Such a text cell is written with a leading ``'``,
which spreadsheets show as plain text (OWASP's advice for CSV injection). Numbers are written as
they are: ``-3`` days overdue is a number, not a formula.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet will read it as text: a formula-like string gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(stream: TextIO, rows: Iterable[Sequence], *, lineterminator: str = "\r\n") -> None:
    writer = csv.writer(stream, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def to_text(rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    write_rows(buffer, rows)
    return buffer.getvalue()


class _Line:
    """A file-like that hands back what csv.writer wrote, one row at a time."""

    def write(self, text: str) -> str:
        return text


def lines(rows: Iterable[Sequence], *, per_chunk: int = 200) -> Iterable[str]:
    """The rows as CSV text, as they are produced (for a streamed download): ``per_chunk`` rows a
    piece, so the server writes a few large pieces rather than one small write per row."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([safe_cell(v) for v in row]))
        if len(chunk) >= per_chunk:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
