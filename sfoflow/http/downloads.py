"""A file in a response: a stored PDF or attachment, or a table as CSV."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from .. import csv_safe


def file_response(content: bytes | str, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """``inline`` opens in the browser (a report to read); otherwise the browser saves it."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def csv_response(rows: Iterable[Sequence], filename: str) -> Response:
    """Rows (the first one the header) as a CSV download, written by the one CSV writer
    (``csv_safe``: a formula-like cell cannot run in a spreadsheet)."""
    return file_response(csv_safe.to_text(rows), "text/csv", filename)


def csv_stream_response(rows: Iterable[Sequence], filename: str) -> Response:
    """Like ``csv_response`` but sent as it is produced: ``rows`` may be a generator reading the
    database a batch at a time, so memory stays flat however many rows there are."""
    return Response(stream_with_context(csv_safe.lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
