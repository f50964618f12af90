"""What every request gets whatever the route: bounded ids in URLs and bounded JSON.

* An id in a URL beyond the database's integer column (``/reviews/99999999999``) is a 404
  before the view runs, not an error from PostgreSQL mid-query.
* ``parse_json`` refuses a JSON body nested more deeply than ``MAX_JSON_DEPTH`` (Python's parser
  would recurse until it fails): no input sfoflow reads is nested more than a few levels.
"""
from __future__ import annotations

import json

from flask import Flask, abort

from ..schemas.boundary import INT_MAX

MAX_JSON_DEPTH = 32


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def _ids_within_the_column(_endpoint, values):
        # Werkzeug's own ``max`` on the converter would make the route not match at all, and
        # another method's route on the same path then answers 405; this answers 404.
        if values and any(isinstance(v, int) and not isinstance(v, bool) and v > INT_MAX for v in values.values()):
            abort(404)


class TooDeep(ValueError):
    pass


def _depth(value) -> int:
    """How deeply ``value`` nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_json(text, **kwargs):
    """json.loads, refusing (ValueError) a document nested beyond MAX_JSON_DEPTH levels."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:  # thousands of levels: the parser itself gave up
        raise TooDeep(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise TooDeep(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    return value
