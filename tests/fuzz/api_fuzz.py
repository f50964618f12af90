"""Property-based fuzzing of every operation in the OpenAPI document (issue 14, item 10).

Against the real server (gunicorn, as ``sfoflow web`` runs it) on PostgreSQL: empties the
database, migrates it, loads the demo year (so ids in paths often name real reviews), gives each
role's demo user an API token, starts the web, then runs schemathesis once per role with bounded
examples and time. Checks: no server error, and every status code, content type and body as the
document says. Prints schemathesis's counts per role and a total line; exits non-zero on any
failure. ``.ci/run`` runs it after pass 2.

    .venv/bin/python -m tests.fuzz.api_fuzz --database-url postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_fuzz
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("central_team", "manager", "inspector", "admin")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> dict[str, str]:
    """Empty, migrate and fill the database; one API token per role (its first demo user)."""
    from sqlalchemy import create_engine, select, text

    url = env["SFOFLOW_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    sfoflow = [str(ROOT / ".venv/bin/sfoflow")] if (ROOT / ".venv/bin/sfoflow").exists() else ["sfoflow"]
    for args in (["migrate"], ["demo"]):
        subprocess.run(sfoflow + args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from sfoflow.db import Database
    from sfoflow.models import User
    from sfoflow.services import users

    database = Database(url)
    tokens = {}
    with database.session() as session:
        for role in ROLES:
            user = session.scalars(select(User).where(User.role == role, User.is_active).order_by(User.id)).first()
            tokens[role] = users.issue_token(session, user)
        session.commit()
    database.engine.dispose()
    return tokens


def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the web did not answer at {base} within {seconds:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--max-examples", type=int, default=5, help="per operation and phase")
    parser.add_argument("--max-time", type=int, default=30, help="seconds per role (the roles run side by side)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="sfoflow-fuzz-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
    env.update(SFOFLOW_ENV="test", SFOFLOW_DATABASE_URL=args.database_url, SFOFLOW_INSTANCE_DIR=str(tmp),
               SFOFLOW_BROKER_URL=f"sqla+sqlite:///{tmp}/broker.sqlite",
               SFOFLOW_RESULT_BACKEND=f"db+sqlite:///{tmp}/results.sqlite", SFOFLOW_LOG_LEVEL="INFO")
    os.environ.update(env)
    tokens = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "web.log", "w")  # noqa: SIM115 - kept open for the server's life
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                            "sfoflow.wsgi:app"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    totals = {"roles": 0, "failed": 0}
    try:
        wait_ready(base)
        runs = {}
        for role in ROLES:  # the roles side by side: the run takes about as long as one of them
            cmd = [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json",
                   "--checks", CHECKS, "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
                   "--seed", str(args.seed), "--phases", "examples,coverage,fuzzing", "--workers", "1",
                   "--header", f"Authorization: Bearer {tokens[role]}", "--no-color", "--request-timeout", "20",
                   "--suppress-health-check", "all", "--generation-deterministic",
                   "--exclude-path", "/api/v1/openapi.json"]
            out = open(tmp / f"schemathesis-{role}.txt", "w")  # noqa: SIM115 - closed below
            runs[role] = (subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT), out)
        for role, (run, out) in runs.items():
            run.wait()
            out.close()
            text = (tmp / f"schemathesis-{role}.txt").read_text()
            print(f"== fuzz: {role}", flush=True)
            failures = re.findall(r"^_{3,} (\S+ \S+) _{3,}$", text, re.M)
            summary = text[text.rfind("SUMMARY"):] if "SUMMARY" in text else text[-3000:]
            print(summary.strip(), flush=True)
            if failures:
                print("failing operations: " + "; ".join(failures), flush=True)
            totals["roles"] += 1
            totals["failed"] += run.returncode != 0
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()
    server_errors = sum(1 for line in (tmp / "web.log").read_text().splitlines() if '"status": 5' in line)
    print(f"== fuzz: {totals['roles']} role(s) fuzzed, {totals['failed']} with failures; "
          f"server log: {server_errors} request(s) answered 5xx; {time.monotonic() - started:.0f}s "
          f"(logs in {tmp})", flush=True)
    return 1 if totals["failed"] or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
