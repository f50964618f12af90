"""What no input may carry past the schemas, whatever the field: the checks every StrictSchema runs.

* Text with a NUL byte, another control character (tab, line feed and carriage return apart) or a
  lone surrogate (``"\\ud800"`` in JSON): PostgreSQL refuses NUL bytes and surrogates outright and
  a page that shows one cannot be encoded, so it is refused here, naming the field.
* A whole number beyond a 32-bit integer column (ids, versions, page numbers): PostgreSQL would
  refuse it with an error mid-query.
* A date outside 1900-2199: nothing sfoflow tracks lies there, and date arithmetic near year 9999
  overflows.

Errors are marshmallow's nested messages, so ``flatten_messages`` names ``answers.1.1.a.note``.
"""
from __future__ import annotations

import re
from datetime import date

from marshmallow import ValidationError

INT_MAX = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider
INT_MIN = -(2**31)
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)

_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
TEXT_MESSAGE = "Remove the unprintable character (such as a null byte) from this text"
INT_MESSAGE = f"Must be a whole number between {INT_MIN:,} and {INT_MAX:,}"
DATE_MESSAGE = "Must be a date between 1 January 1900 and 31 December 2199"


def _walk(value, check) -> object | None:
    """Nested error messages for the parts of ``value`` that ``check`` refuses, or None."""
    if isinstance(value, dict):
        errors = {}
        for key, item in value.items():
            problem = check(key) if isinstance(key, str) and check is _text_problem else None
            found = problem or _walk(item, check)
            if found:
                name = _UNPRINTABLE.sub("?", key) if isinstance(key, str) else key
                errors[name if isinstance(name, (str, int)) else str(name)] = found
        return errors or None
    if isinstance(value, (list, tuple)):
        errors = {i: found for i, item in enumerate(value) if (found := _walk(item, check))}
        return errors or None
    return check(value)


def _text_problem(value):
    if isinstance(value, str) and _UNPRINTABLE.search(value):
        return [TEXT_MESSAGE]
    return None


def _loaded_problem(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        return [INT_MESSAGE]
    if isinstance(value, date) and not DATE_MIN <= (value if type(value) is date else value.date()) <= DATE_MAX:
        return [DATE_MESSAGE]
    return None


def check_text(data) -> None:
    if isinstance(data, str):
        if _text_problem(data):
            raise ValidationError([TEXT_MESSAGE])
        return
    errors = _walk(data, _text_problem)
    if errors:
        raise ValidationError(errors)


def check_loaded(data) -> None:
    errors = _walk(data, _loaded_problem)
    if errors:
        raise ValidationError(errors)


def printable(text: str) -> bool:
    """True when ``text`` holds nothing the schemas refuse (for input read without a schema)."""
    return not _UNPRINTABLE.search(text)
