#!/usr/bin/env python3
"""Set up and run sfoflow on a fresh machine (Python 3.11+, and npm for the page styles).

    python3 dev.py start [sfoflow run options]   install, then run web + worker + beat with demo data
    python3 dev.py test  [pytest options]        install, then run the whole test suite
    python3 dev.py lock                          rewrite requirements.lock from a fresh install

start and test create .venv if it is missing, install the package with its test extras at the
versions in requirements.lock (again only when pyproject.toml, setup.py or the lock has
changed) and the GOV.UK Frontend assets (`sfoflow assets`). Only the standard library is used
here: this file runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".sfoflow-installed"
LOCK = ROOT / "requirements.lock"
INSTALL_INPUTS = ("pyproject.toml", "setup.py", "requirements.lock")
USAGE = "usage: python3 dev.py start|test|lock [options passed on to `sfoflow run` or pytest]"
LOCK_HEADER = """\
# Exact versions of everything the test install uses (sfoflow's dependencies and test extras,
# with theirs), so that every install gets what the tests ran on: dev.py and the Dockerfile
# give it to pip as constraints (pip install -c requirements.lock ...). sfoflow is not listed.
# Made by `python3 dev.py lock` (a fresh install of '.[test]', then pip freeze): run that after
# changing the dependencies in pyproject.toml, or to move to newer releases, then the tests.
"""


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say(f"creating {VENV.relative_to(ROOT)} with Python {sys.version.split()[0]}")
    venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_installed() -> None:
    """pip install -c requirements.lock -e '.[test]', skipped when none of its inputs has changed."""
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and (BIN / "sfoflow").exists():
        return
    say("installing sfoflow and its test tools into .venv (pip install -c requirements.lock -e '.[test]')")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    "-c", str(LOCK), "-e", ".[test]"], cwd=ROOT, check=True)
    STAMP.write_text(wanted + "\n")


def write_lock() -> None:
    """requirements.lock from the newest releases pyproject.toml allows, installed afresh."""
    with tempfile.TemporaryDirectory(prefix="sfoflow-lock-") as folder:
        say(f"installing '.[test]' into a fresh virtual environment in {folder}")
        venv.EnvBuilder(with_pip=True).create(folder)
        python = Path(folder) / BIN.name / "python"
        pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "--quiet", "-e", ".[test]"], cwd=ROOT, check=True)
        frozen = subprocess.run([*pip, "freeze", "--exclude-editable"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    LOCK.write_text(LOCK_HEADER + frozen)
    say(f"wrote {LOCK.name} ({frozen.count(chr(10))} packages); now run `python3 dev.py test`")


def ensure_assets() -> None:
    result = subprocess.run([str(BIN / "sfoflow"), "assets"], cwd=ROOT)
    if result.returncode != 0:  # the pages still work, unstyled: warn, do not stop
        say("warning: `sfoflow assets` failed (see above); pages will have no GOV.UK styles")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("start", "test", "lock"):
        print(USAGE, file=sys.stderr)
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs on any python3, to say this)
        print(f"sfoflow needs Python 3.11 or later, not {sys.version.split()[0]}: "
              f"run `python3.11 dev.py {argv[0]}`", file=sys.stderr)
        return 2
    try:
        if argv[0] == "lock":
            write_lock()
            return 0
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
