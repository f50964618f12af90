"""Does the sign-in's response time tell whether an email has an account? (issue 14, item 2)

Creates one user in a throwaway SQLite database, then posts the sign-in form TRIES times with
that email and a wrong password and TRIES times with an unknown email, alternating, each from its
own client address and with the account limit raised (so the throttle does not step in), and
prints both medians and their ratio.
Before the fix the outside probe measured 295 ms for a known email and 33 ms for an unknown one.

    .venv/bin/python benchmarks/sign_in_timing.py [--tries 20]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()

    from sfoflow import create_app, db
    from sfoflow.config import from_env
    from sfoflow.services import settings as app_settings
    from sfoflow.services import users

    tmp = Path(tempfile.mkdtemp(prefix="sfoflow-signin-"))
    env = {"SFOFLOW_ENV": "test", "SFOFLOW_INSTANCE_DIR": str(tmp), "SFOFLOW_DATABASE_URL": f"sqlite:///{tmp}/b.sqlite",
           "SFOFLOW_BROKER_URL": f"sqla+sqlite:///{tmp}/broker.sqlite",
           "SFOFLOW_RESULT_BACKEND": f"db+sqlite:///{tmp}/results.sqlite"}
    settings = from_env(env)
    db.upgrade(settings.database_url)
    app = create_app(settings)
    with app.extensions["sfoflow_db"].session() as session:
        users.create_user(session, email="known@example.org", role="central_team", password="right-password-1")
        app_settings.set_value(session, "sign_in_attempts_per_account", 10 * args.tries)  # measure, not throttle
        session.commit()

    def attempt(n: int, email: str) -> float:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n % 250 + 1}"
        page = client.get("/sign-in")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        start = time.perf_counter()
        resp = client.post("/sign-in", data={"email": email, "password": "wrong-password", "csrf_token": csrf})
        elapsed = time.perf_counter() - start
        assert resp.status_code == 400, resp.status_code
        return elapsed * 1000

    attempt(0, "warm-up@example.org")
    attempt(0, "known@example.org")
    known, unknown = [], []
    for n in range(args.tries):
        known.append(attempt(2 * n + 1, "known@example.org"))
        unknown.append(attempt(2 * n + 2, f"unknown{n}@example.org"))
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"sign-in with a wrong password, {args.tries} tries each (median):")
    print(f"  known email:   {k:7.1f} ms")
    print(f"  unknown email: {u:7.1f} ms")
    print(f"  ratio unknown/known: {u / k:.2f} (within 20%: {'yes' if abs(u / k - 1) <= 0.2 else 'NO'})")
    return 0 if abs(u / k - 1) <= 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
