"""Issue 15: every message a person reads is in plain English. This scans every message the
services, schemas, core rules and pages can produce (refusals, errors, flashes, form errors)
for internal words: ``version``, ``..._id``, dotted field paths (``parallel_reviews.0.type``) and
ISO dates (2023-05-22); and makes every schema refuse bad input, reading what it says."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from marshmallow import Schema

import sfoflow.schemas
from sfoflow.services.errors import flatten_messages

ROOT = Path(__file__).resolve().parent.parent / "sfoflow"
SCANNED = ("services", "schemas", "workflows", "deadlines", "web", "assessment", "sampling")

INTERNAL = [
    ("the word version", re.compile(r"\bversions?\b", re.I)),
    ("an _id name", re.compile(r"\b\w+_id\b")),
    ("a dotted field path", re.compile(r"\b[a-z_]+\.\d+(\.[a-z_]+)?\b")),
    ("an ISO date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    ("a code with underscores (north_west, multi_agency)", re.compile(r"\b[a-z]+_[a-z_]+\b")),
]
# What a message built with an f-string must not put in: an id, a version, an ISO date.
INTERNAL_VALUES = re.compile(r"(\bid\b|_id\b|\bversion\b|isoformat)")

ERRORS = {"ServiceError", "Conflict", "NotFound", "Forbidden", "ValidationFailed", "ValidationError", "DemoRefused"}


def _message_args(call: ast.Call) -> list[ast.expr]:
    """The arguments of a call that carry words a person reads."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    kw = {k.arg: k.value for k in call.keywords}
    if name == "Refusal":
        return [a for a in (call.args[2:3] or [kw.get("message")]) if a is not None]
    if name in ERRORS:
        out = list(call.args[:1]) + [kw[k] for k in ("fields", "reasons") if k in kw]
        return out
    if name == "flash":
        return list(call.args[:1])
    if name == "add" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "errors":
        return list(call.args[1:2])
    return []


def _problems(node: ast.expr) -> list[str]:
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            out += [f"{what}: {sub.value!r}" for what, rx in INTERNAL if rx.search(sub.value)]
        elif isinstance(sub, ast.FormattedValue):
            source = ast.unparse(sub.value)
            if INTERNAL_VALUES.search(source):
                out.append(f"puts {source!r} into the message")
        elif isinstance(sub, ast.Dict):  # fields={...}: the keys are field names, not words
            continue
    return out


def messages_in_source():
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                for arg in _message_args(call):
                    if isinstance(arg, ast.Dict):  # fields={"name": [messages]}: only the messages
                        arg = ast.List(elts=list(arg.values), ctx=ast.Load())
                    yield f"{path.relative_to(ROOT.parent)}:{call.lineno}", arg


# Reviewed: words that look internal but are what people use. A benchmarking question is named by
# its number (``item_id`` is "1.1.a"); a published year summary has numbered versions people cite.
REVIEWED = {("sfoflow/services/benchmarking.py", "item_id"), ("sfoflow/services/year.py", "version"),
            ("sfoflow/web/year.py", "version")}


def _reviewed(where: str, problem: str) -> bool:
    return any(where.startswith(path + ":") and word in problem for path, word in REVIEWED)


def test_no_message_in_the_code_uses_internal_words():
    found = [f"{where}: {problem}" for where, arg in messages_in_source() for problem in _problems(arg)
             if not _reviewed(where, problem)]
    assert not found, "messages a person reads must not use internal words:\n" + "\n".join(found)


def test_the_scan_sees_messages():
    """The scan is not vacuous: it reads hundreds of messages, and would catch the old ones."""
    assert sum(1 for _ in messages_in_source()) > 120
    old = ast.parse('Conflict("stale", reasons=[f"expected version {version}, current version {review.version}"])')
    assert _problems(_message_args(old.body[0].value)[1])
    assert _problems(ast.parse('Refusal("x", "y", f"Review {review_id}: gone")').body[0].value.args[2])
    assert _problems(ast.Constant("parallel_reviews.0.type"))
    assert _problems(ast.Constant("due on 2023-05-22"))


def _schemas():
    for info in pkgutil.iter_modules(sfoflow.schemas.__path__):
        module = importlib.import_module(f"sfoflow.schemas.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                yield f"{info.name}.{name}", cls


JUNK = [{}, {"x": 1}, [1], "maybe", 12, True, None, "30/02/2023", "a" * 5000, [{"type": 1, "status": []}]]


@pytest.mark.parametrize("name,cls", list(_schemas()), ids=[n for n, _ in _schemas()])
def test_every_schema_refuses_bad_input_in_plain_english(name, cls):
    try:
        schema = cls()
    except TypeError:
        pytest.skip("built with arguments")
    bodies = [{}, {"not_a_field": 1}] + [{field: junk for field in schema.fields} for junk in JUNK]
    seen = []
    for body in bodies:
        try:
            schema.load(body)
        except Exception as exc:  # noqa: BLE001 - a ValidationError, or a refusal of the whole body
            messages = getattr(exc, "messages", None)
            if messages is None:
                continue
            seen += [m for ms in flatten_messages(messages).values() for m in ms]
    bad = [(m, what) for m in seen for what, rx in INTERNAL if rx.search(m)]
    assert not bad, bad
    old_words = ("Not a valid", "Missing data", "Unknown field", "Invalid input type", "Field may not be null",
                 "Length must be")
    assert not [m for m in seen if m.startswith(old_words)], seen
