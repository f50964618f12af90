"""Reference data from ``config/``: regions, offence categories, parallel review types, agencies.

Admins can change offence categories at run time (they are copied into the database on first
use); the files are the defaults.
"""
from __future__ import annotations

import json
from functools import cache

from .config_dir import CONFIG_DIR


def _load(name: str) -> dict:
    with open(CONFIG_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def regions() -> dict[str, dict]:
    return {r["code"]: r for r in _load("regions.json")["regions"]}


@cache
def offence_categories() -> dict[str, dict]:
    return {c["code"]: c for c in _load("offence_categories.json")["offence_categories"]}


@cache
def parallel_review_types() -> dict[str, dict]:
    return {t["code"]: t for t in _load("parallel_reviews.json")["parallel_review_types"]}


@cache
def parallel_review_statuses() -> dict[str, dict]:
    return {t["code"]: t for t in _load("parallel_reviews.json")["parallel_review_statuses"]}


@cache
def agencies() -> dict[str, dict]:
    return {a["code"]: a for a in _load("agencies.json")["agencies"]}


@cache
def providers() -> dict[str, dict]:
    """The probation providers, one per region: code (N54), name and region, from regions.json."""
    return {r["provider_code"]: {"code": r["provider_code"], "name": r["name"], "region": r["code"]}
            for r in regions().values()}


def provider_code(text: str | None) -> str | None:
    """The provider code that ``text`` spells, however it was typed ("n54", "N54.", "N 54"), or
    None when it names no provider: a conflict recorded for N54 cannot be typed around."""
    if not text:
        return None
    code = "".join(ch for ch in text if ch.isalnum()).upper()
    return code if code in providers() else None


def region_name(code: str) -> str:
    return regions().get(code, {}).get("name", code)


def offence_name(code: str) -> str:
    return offence_categories().get(code, {}).get("name", code)
