"""Finding and loading the QA framework files: ``config/qa_framework/vN.json``.

Versions are the file stems ('v1', 'v2', ...); a file is parsed and validated once and cached
until it changes on disk.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

from ..config_dir import CONFIG_DIR
from .framework_model import Framework, FrameworkError, UnknownFrameworkVersion
from .framework_validation import parse_framework

DEFAULT_CONFIG_DIR = CONFIG_DIR
FRAMEWORK_SUBDIR = "qa_framework"
_VERSION_FILE = re.compile(r"^v(\d+)\.json$")


def _framework_dir(config_dir: str | os.PathLike | None) -> Path:
    base = Path(config_dir) if config_dir is not None else DEFAULT_CONFIG_DIR
    return base / FRAMEWORK_SUBDIR


def available_versions(config_dir: str | os.PathLike | None = None) -> list[str]:
    """Framework keys found in ``config/qa_framework``, oldest first: ['v1', 'v2', ...]."""
    d = _framework_dir(config_dir)
    if not d.is_dir():
        return []
    found = []
    for p in d.iterdir():
        m = _VERSION_FILE.match(p.name)
        if m and p.is_file():
            found.append((int(m.group(1)), p.stem))
    return [stem for _, stem in sorted(found)]


def load_framework(version: str | None = None,
                   config_dir: str | os.PathLike | None = None) -> Framework:
    """Load and validate a framework. ``version`` is the key ('v1'; '1' also works) or the
    document version string ('2021-03'); None means the latest key. Results are cached per file
    (and reloaded if the file changes)."""
    versions = available_versions(config_dir)
    d = _framework_dir(config_dir)
    if not versions:
        raise UnknownFrameworkVersion(f"no QA framework files (vN.json) in {d}")
    if version is None:
        key = versions[-1]
    else:
        v = str(version).strip()
        if v in versions:
            key = v
        elif f"v{v}" in versions:
            key = f"v{v}"
        else:
            key = next((k for k in versions if _cached_load(d / f"{k}.json").version == v), "")
            if not key:
                raise UnknownFrameworkVersion(
                    f"no QA framework version {version!r} in {d} (available: {', '.join(versions)})"
                )
    return _cached_load(d / f"{key}.json")


def _cached_load(path: Path) -> Framework:
    st = path.stat()
    return _load_file(str(path.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=32)
def _load_file(path: str, _mtime_ns: int, _size: int) -> Framework:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FrameworkError(f"{p}: not valid JSON ({exc})") from None
    return parse_framework(data, key=p.stem, path=p)
