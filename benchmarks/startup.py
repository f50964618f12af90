"""What starting the ``sfoflow`` command costs, against importing the frameworks it is built on.

    .venv/bin/python benchmarks/startup.py [--runs 15] [--max-ratio 1.5]

Runs each case below ``--runs`` times as a subprocess of the installed entry point (the
``sfoflow`` script beside this Python), interleaved so that a busy machine slows them all
alike, and prints the medians of CPU (user + system, from getrusage(RUSAGE_CHILDREN)) and wall
time, with each one's ratio to the bare framework import. ``due-date`` runs twice: before the
database exists (nothing to open) and against a migrated SQLite database, whose official list
it then reads. Every case runs in a fresh temporary folder (SFOFLOW_INSTANCE_DIR), so nothing
in the working tree or an existing database is touched.

Then ``python -X importtime`` of ``sfoflow due-date`` (with the database) lists any import of
the web app, Flask, alembic or Celery: there should be none. Exits 1 if there is one, or if
``--max-ratio`` is given and a due-date case's CPU ratio is above it.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = "import flask, sqlalchemy, celery"
DUE_DATE = ["due-date", "2023-04-27"]
EXPECTED_DUE = "2023-05-22"  # 15 working days after Thu 27 Apr 2023, skipping 1 and 8 May
# Modules `sfoflow due-date` must not load: the app and the frameworks it does not need.
FORBIDDEN = re.compile(r"^(flask|flask_\w+|werkzeug|alembic|celery|kombu|gunicorn|sfoflow\.(app|web|api|tasks|worker))"
                       r"(\.|$)")


def entry_point() -> str:
    script = Path(sys.executable).parent / "sfoflow"
    found = str(script) if script.exists() else shutil.which("sfoflow")
    if not found:
        sys.exit("no `sfoflow` command beside this Python or on PATH: install sfoflow first (pip install .)")
    return found


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict, cwd: str) -> tuple[float, float, str]:
    cpu, wall = cpu_of_children(), time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall, cpu_of_children() - cpu
    if result.returncode != 0:
        sys.exit(f"`{' '.join(argv)}` failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return cpu, wall, result.stdout


def imported_modules(argv: list[str], env: dict, cwd: str) -> list[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", *argv], env=env, cwd=cwd,
                            capture_output=True, text=True)
    return [line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line][1:]  # [0] is the header


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each case (default 15)")
    parser.add_argument("--max-ratio", type=float, default=None,
                        help="fail if a due-date case's median CPU is more than this times the bare import's")
    args = parser.parse_args(argv)

    sfoflow = entry_point()
    work = Path(tempfile.mkdtemp(prefix="sfoflow-startup-"))
    try:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
        empty = dict(base_env, SFOFLOW_INSTANCE_DIR=str(work / "empty"))  # no database: never created
        migrated = dict(base_env, SFOFLOW_INSTANCE_DIR=str(work / "migrated"))
        run_once([sfoflow, "migrate"], migrated, str(work))
        cases = {
            f"python -c '{BARE}'": ([sys.executable, "-c", BARE], base_env),
            "sfoflow --help": ([sfoflow, "--help"], base_env),
            "sfoflow lifecycle": ([sfoflow, "lifecycle"], base_env),
            "sfoflow due-date 2023-04-27 (no database yet)": ([sfoflow, *DUE_DATE], empty),
            "sfoflow due-date 2023-04-27 (migrated SQLite)": ([sfoflow, *DUE_DATE], migrated),
        }
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        wall: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (command, env) in cases.items():
                c, w, out = run_once(command, env, str(work))
                if "due-date" in name and out.strip() != EXPECTED_DUE:
                    sys.exit(f"{name} printed {out.strip()!r}, not {EXPECTED_DUE}")
                cpu[name].append(c)
                wall[name].append(w)
        modules = imported_modules([sfoflow, *DUE_DATE], migrated, str(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    bare = next(iter(cases))
    bare_cpu, bare_wall = statistics.median(cpu[bare]), statistics.median(wall[bare])
    print(f"{args.runs} runs each, medians; Python {sys.version.split()[0]}; {sfoflow}")
    print(f"{'case':<48} {'CPU s':>7} {'x bare':>7} {'wall s':>7} {'x bare':>7}")
    failed = []
    for name in cases:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"{name:<48} {c:7.3f} {c / bare_cpu:7.2f} {w:7.3f} {w / bare_wall:7.2f}")
        if args.max_ratio and "due-date" in name and c / bare_cpu > args.max_ratio:
            failed.append(f"{name}: CPU {c / bare_cpu:.2f}x the bare import, above {args.max_ratio}")
    # Named by package (flask, not each flask.* module), and sfoflow's by sub-package.
    loaded = sorted({".".join(m.split(".")[:2 if m.startswith("sfoflow.") else 1])
                     for m in modules if FORBIDDEN.match(m)})
    print(f"sfoflow due-date (migrated SQLite) imports {len(modules)} modules; "
          f"of the app, Flask, alembic, Celery: {', '.join(loaded) if loaded else 'none'}")
    if loaded:
        failed.append("due-date imports " + ", ".join(loaded))
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
