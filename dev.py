#!/usr/bin/env python3
"""Set up and run sfoflow on a fresh machine (Python 3.11+, and npm for the page styles).

    python3 dev.py start [sfoflow run options]   install, then run web + worker + beat with demo data
    python3 dev.py test  [pytest options]        install, then run the whole test suite

Both create .venv if it is missing, install the package with its test extras (again only when
pyproject.toml has changed) and the GOV.UK Frontend assets (`sfoflow assets`). Only the
standard library is used here: this file runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".sfoflow-installed"
USAGE = "usage: python3 dev.py start|test [options passed on to `sfoflow run` or pytest]"


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say(f"creating {VENV.relative_to(ROOT)} with Python {sys.version.split()[0]}")
    venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_installed() -> None:
    """pip install -e '.[test]', skipped when nothing it depends on has changed since last time."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and (BIN / "sfoflow").exists():
        return
    say("installing sfoflow and its test tools into .venv (pip install -e '.[test]')")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    "-e", ".[test]"], cwd=ROOT, check=True)
    STAMP.write_text(wanted + "\n")


def ensure_assets() -> None:
    result = subprocess.run([str(BIN / "sfoflow"), "assets"], cwd=ROOT)
    if result.returncode != 0:  # the pages still work, unstyled: warn, do not stop
        say("warning: `sfoflow assets` failed (see above); pages will have no GOV.UK styles")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("start", "test"):
        print(USAGE, file=sys.stderr)
        return 2
    if sys.version_info < (3, 11):
        print(f"sfoflow needs Python 3.11 or later, not {sys.version.split()[0]}: "
              f"run `python3.11 dev.py {argv[0]}`", file=sys.stderr)
        return 2
    try:
        ensure_venv()
        ensure_installed()
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: installing failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    ensure_assets()
    os.chdir(ROOT)
    if argv[0] == "start":
        args = [str(BIN / "sfoflow"), "run", *argv[1:]]
    else:
        args = [str(PYTHON), "-m", "pytest", *argv[1:]]
    os.execv(args[0], args)  # become the server or pytest: Ctrl-C and the exit code are theirs


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
