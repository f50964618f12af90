"""The QA framework as versioned data: ``config/qa_framework/vN.json``.

A framework version is immutable once QAs have been recorded against it: a QA pins the version
it was started with (``Framework.key``, e.g. "v1"), and a change of wording or structure is a new
file (v2.json), never an edit of v1.json.

Item ids are stable strings: "info.high_profile", "chron.a", "1.1" (key question),
"1.1.a" (its prompt), "2.a" (prompt of a standard without key questions), "3.2.f".

The framework lives in three modules, re-exported here so callers import from one place:
``framework_model`` (the dataclasses), ``framework_loading`` (finding and caching the files)
and ``framework_validation`` (checking a parsed file and building the Framework).
"""
from __future__ import annotations

from .framework_loading import (
    DEFAULT_CONFIG_DIR,
    FRAMEWORK_SUBDIR,
    available_versions,
    load_framework,
)
from .framework_model import (
    ANSWER_TYPES,
    TEXT,
    YES_NO,
    Condition,
    Framework,
    FrameworkError,
    Item,
    KeyQuestion,
    Section,
    Standard,
    UnknownFrameworkVersion,
)
from .framework_validation import parse_framework

__all__ = [
    "DEFAULT_CONFIG_DIR",
    "FRAMEWORK_SUBDIR",
    "YES_NO",
    "TEXT",
    "ANSWER_TYPES",
    "FrameworkError",
    "UnknownFrameworkVersion",
    "Condition",
    "Item",
    "KeyQuestion",
    "Section",
    "Standard",
    "Framework",
    "available_versions",
    "load_framework",
    "parse_framework",
]
