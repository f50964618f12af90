"""A file in a response: a stored PDF or attachment, or a table as CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context


def file_response(content: bytes | str, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """``inline`` opens in the browser (a report to read); otherwise the browser saves it."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def csv_response(rows: Iterable[Sequence], filename: str) -> Response:
    """Rows (the first one the header) as a CSV download; cells are already text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return file_response(buffer.getvalue(), "text/csv", filename)


class _Line:
    """A file-like that hands back what csv.writer wrote, one row at a time."""

    def write(self, text: str) -> str:
        return text


def csv_stream_response(rows: Iterable[Sequence], filename: str) -> Response:
    """Like ``csv_response`` but sent as it is produced: ``rows`` may be a generator reading the
    database a batch at a time, so memory stays flat however many rows there are."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    return Response(stream_with_context(writer.writerow(row) for row in rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
