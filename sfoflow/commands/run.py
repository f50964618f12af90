"""Run the system: ``sfoflow run`` (everything, for a laptop) and ``web``/``worker``/``beat``/``health``
(one process each, for docker compose or a process manager)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

CHILDREN = ("web", "worker", "beat")
STOP_TIMEOUT = 20  # seconds each child gets to finish its work after SIGTERM


def _settings():
    from ..config import ConfigError, from_env

    try:
        return from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


# --- one process each ---------------------------------------------------------------------------

@click.command(help="Serve the web interface and API with gunicorn (SFOFLOW_BIND, SFOFLOW_WEB_WORKERS).")
@click.option("--bind", default=None, help="address:port; default SFOFLOW_BIND (127.0.0.1:5000).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn worker processes; default SFOFLOW_WEB_WORKERS (2).")
def web(bind: str | None, workers: int | None) -> None:
    from gunicorn.app.base import BaseApplication

    settings = _settings()

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": bind or settings.bind, "workers": workers or settings.web_workers,
                "threads": 4, "timeout": 60, "graceful_timeout": STOP_TIMEOUT - 5,
                "accesslog": None,  # sfoflow logs each request itself, with its request id
                "logconfig_dict": gunicorn_logging(settings.log_level),
                "proc_name": "sfoflow-web",
            }.items():
                self.cfg.set(key, value)

        def load(self):
            from .. import create_app

            return create_app(settings)

    Server().run()


def gunicorn_logging(level: str) -> dict:
    """gunicorn's own lines ("Booting worker", errors) in the same JSON as the app's."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "sfoflow.logs.JsonFormatter"}},
        "filters": {"context": {"()": "sfoflow.logs.ContextFilter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "filters": ["context"], "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["console"]},
        "loggers": {"gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
                    "gunicorn.access": {"level": level.upper(), "handlers": [], "propagate": False}},
    }


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


@click.command(context_settings=_PASS_THROUGH,
               help="Run a Celery worker (`celery -A sfoflow.worker worker`); extra options go to celery.")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args) -> None:
    _exec_celery("worker", celery_args)


@click.command(context_settings=_PASS_THROUGH,
               help="Run Celery beat, the scheduler (`celery -A sfoflow.worker beat`); extra options go to celery.")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args) -> None:
    _exec_celery("beat", celery_args)


def _exec_celery(kind: str, extra) -> None:
    settings = _settings()
    Path(settings.instance_dir).mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "celery", "-A", "sfoflow.worker", kind, "--loglevel", settings.log_level, *extra]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # become celery: signals reach it directly


@click.command(help="Check the database, migrations and broker; with --worker also that a worker "
                    "runs a task (sends the health task and waits for it). Exits 1 if anything fails.")
@click.option("--worker", "wait_worker", is_flag=True, help="Also send the health task and wait for a worker.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the worker.")
def health(wait_worker: bool, timeout: float) -> None:
    from ..db import transaction
    from ..models import HealthCheck
    from ..services.health import request_check
    from ..web.health import readiness
    from . import app_session

    with app_session() as (app, session):
        checks = readiness(app)
        for name, status in checks.items():
            click.echo(f"{name}: {status}")
        ok = all(v == "ok" for v in checks.values())
        if ok and wait_worker:
            with transaction(session):
                check_id = request_check(session, None).id
            deadline = time.monotonic() + timeout
            done = None
            while done is None and time.monotonic() < deadline:
                time.sleep(0.2)
                session.expire_all()
                done = session.get(HealthCheck, check_id).completed_at
            click.echo(f"worker: {'ok, ran by ' + session.get(HealthCheck, check_id).worker if done else 'no answer'}")
            ok = done is not None
    sys.exit(0 if ok else 1)


# --- everything at once -------------------------------------------------------------------------

@click.command(help="Migrate, load the demo data if the database is empty, then run the web, a Celery "
                    "worker and beat until Ctrl-C. Uses the embedded defaults (SQLite and an SQLite "
                    "broker) unless SFOFLOW_* variables say otherwise.")
@click.option("--bind", default=None, help="address:port for the web; default SFOFLOW_BIND (127.0.0.1:5000).")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load the demo data into an empty database (never in production).")
def run(bind: str | None, demo: bool) -> None:
    from .. import db

    settings = _settings()
    bind = bind or settings.bind
    Path(settings.instance_dir).mkdir(parents=True, exist_ok=True)
    click.echo(f"database: {_safe(settings.database_url)}")
    click.echo(f"broker:   {_safe(settings.broker_url)}")
    db.upgrade(settings.database_url)
    click.echo("migrations: at head")
    if demo and not settings.production:
        _load_demo_if_empty()

    env = dict(os.environ, SFOFLOW_BIND=bind)
    supervisor = Supervisor(env)
    supervisor.install_signal_handlers()
    supervisor.start()
    url = f"http://{_local(bind)}/"
    if not supervisor.wait_until_serving(url + "healthz", timeout=60):
        sys.exit(supervisor.stop() if supervisor.signals else 1 + supervisor.stop())
    _banner(url, settings)
    sys.exit(supervisor.supervise())


def _load_demo_if_empty() -> None:
    from .. import demo as demo_data
    from . import app_session

    with app_session() as (_app, session):
        if demo_data.has_data(session):
            return
        click.echo("empty database: loading the demo year (about 480 reviews)...")
        for line in demo_data.load(session, production=False).lines():
            click.echo(line)


def _banner(url: str, settings) -> None:
    from . import app_session
    from .demo import login_lines

    lines = ["", f"sfoflow is running at {url}"]
    if not settings.production:
        with app_session() as (_app, session):
            lines += login_lines(session)
    lines += ["Press Ctrl-C to stop.", ""]
    click.echo("\n".join(lines))  # in one piece, not interleaved with the children's start-up


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url.split("+", 1)[1] if url.startswith("sqla+") else url).render_as_string(
            hide_password=True)
    except Exception:  # a broker URL SQLAlchemy cannot parse (redis://): hide any password by hand
        return url.split("@")[-1] if "@" in url else url


def _local(bind: str) -> str:
    host, _, port = bind.rpartition(":")
    return f"{'127.0.0.1' if host in ('', '0.0.0.0', '[::]') else host}:{port}"


class Supervisor:
    """Starts web, worker and beat as children and stops them all, leaving no process behind.

    Each child leads its own process group, so Ctrl-C in the terminal reaches only this process,
    which then stops the children in order (SIGTERM: gunicorn and celery finish what they are
    doing) and finally kills whatever is left in each group.
    """

    def __init__(self, env: dict):
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.signals = 0

    def install_signal_handlers(self) -> None:
        def _handle(signum, _frame):
            self.signals += 1
            if self.signals > 1:  # a second Ctrl-C: do not wait any longer
                self._kill_all(signal.SIGKILL)

        signal.signal(signal.SIGINT, _handle)
        signal.signal(signal.SIGTERM, _handle)

    def start(self) -> None:
        for name in CHILDREN:
            self.children[name] = subprocess.Popen([sys.executable, "-m", "sfoflow", name], env=self.env,
                                                   start_new_session=True)
            click.echo(f"started {name} (pid {self.children[name].pid})")

    def wait_until_serving(self, url: str, timeout: float) -> bool:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.signals:
            if self._dead():
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (our own local URL)
                    if resp.status == 200:
                        return True
            except OSError:
                time.sleep(0.3)
        if not self.signals:
            click.echo(f"the web did not answer {url} within {timeout:.0f}s", err=True)
        return False

    def supervise(self) -> int:
        """Wait for Ctrl-C/SIGTERM (exit 0) or for a child to die (exit 1)."""
        while not self.signals:
            if self._dead():
                return self.stop() or 1
            time.sleep(0.2)
        return self.stop()

    def _dead(self) -> str | None:
        for name, child in self.children.items():
            if child.poll() is not None:
                click.echo(f"{name} stopped unexpectedly (exit code {child.returncode}); stopping the rest",
                           err=True)
                return name
        return None

    def stop(self) -> int:
        click.echo("stopping web, worker and beat...")
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        self._kill_all(signal.SIGKILL)  # anything still there (a stuck child, a pool process)
        for child in self.children.values():
            child.wait()
        click.echo("stopped")
        return 0

    def _kill_all(self, sig: int) -> None:
        for child in self.children.values():
            try:
                os.killpg(child.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
