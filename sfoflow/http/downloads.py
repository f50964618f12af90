"""A file in a response: a stored PDF or attachment, or a table as CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response


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
