"""migrate, users, import, due-date, calendar, lifecycle."""
from __future__ import annotations

import json
import sys
from datetime import date

import click

from . import app_session


@click.command(help="Upgrade the database schema to the latest migration (or --revision).")
@click.option("--revision", default="heads", show_default=True)
@click.option("--downgrade", "down", is_flag=True, help="Downgrade to --revision instead.")
def migrate(revision: str, down: bool) -> None:
    from .. import db
    from ..config import from_env

    url = from_env().database_url
    (db.downgrade if down else db.upgrade)(url, "base" if down and revision == "heads" else revision)
    click.echo(f"database at {'base' if down and revision == 'heads' else revision}: {_safe(url)}")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group(help="Manage users.")
def users() -> None:
    pass


@users.command("create", help="Create a user and print their API token (shown once).")
@click.option("--role", required=True, type=click.Choice(["central_team", "inspector", "manager", "admin"]))
@click.option("--email", required=True)
@click.option("--name", default=None)
@click.option("--password", default=None, help="Web password; prompted for if --prompt-password.")
@click.option("--prompt-password", is_flag=True)
@click.option("--senior", is_flag=True, help="An inspector who may take high-profile reviews.")
def users_create(role, email, name, password, prompt_password, senior) -> None:
    from ..db import transaction
    from ..services import users as svc
    from ..services.errors import ServiceError

    if prompt_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with app_session() as (_app, session):
        try:
            with transaction(session):
                user = svc.create_user(session, email=email, role=role, name=name, password=password, is_senior=senior)
                token = svc.issue_token(session, user)
        except ServiceError as exc:
            raise click.ClickException(f"{exc.message}: {exc.fields}") from None
    click.echo(f"created {user.email} ({user.role}), id {user.id}")
    click.echo(f"API token (shown once, store it safely): {token}")


@users.command("list", help="List users.")
def users_list() -> None:
    from sqlalchemy import select

    from ..models import User

    with app_session() as (_app, session):
        for u in session.scalars(select(User).order_by(User.role, User.email)):
            click.echo(f"{u.id}\t{u.role}\t{u.email}\t{u.name}{'' if u.is_active else '  (inactive)'}")


@click.command("import", help="Import reviews from a CSV file, all or nothing.")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--as", "as_email", default=None, help="Email of the central team user recorded as importer.")
def import_(file, as_email) -> None:
    from sqlalchemy import select

    from ..db import transaction
    from ..models import User
    from ..services import import_jobs
    from ..services.errors import ServiceError
    from ..services.imports import import_csv

    text = file.read()
    with app_session() as (_app, session):
        actor = session.scalar(select(User).where(User.email == as_email.lower())) if as_email else None
        if as_email and actor is None:
            raise click.ClickException(f"no user {as_email}")
        if import_jobs.wants_background(text):
            # A large file: checked whole, then written in short batches (others can register
            # meanwhile), as the worker would, but here and now.
            from ..tasks.imports import run_job

            with transaction(session):
                job = import_jobs.create(session, text, getattr(file, "name", ""), actor, send=False)
            run_job(session, job.id)
            session.expire_all()
            result = import_jobs.view(import_jobs.get(session, job.id))
            if result["status"] != "done":
                click.echo(result["message"], err=True)
                for e in result["errors"]:
                    click.echo(f"  row {e['row']}, {e['field'] or '(row)'}: {e['reason']}", err=True)
                sys.exit(1)
            click.echo(f"imported {result['rows_written']} review(s)")
            if result["skipped"]:
                click.echo(f"not imported, {len(result['skipped'])} row(s) whose reference was registered by "
                           "someone else while the import ran:")
                for r in result["skipped"]:
                    click.echo(f"  row {r['row']}, {r['reference']}")
            return
        try:
            with transaction(session):
                created = import_csv(session, text, actor)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            for e in exc.extra.get("errors", []):
                click.echo(f"  row {e['row']}, {e['field'] or '(row)'}: {e['reason']}", err=True)
            sys.exit(1)
    click.echo(f"imported {len(created)} review(s)")


@click.command("due-date", help="Print the QA due date for a review received on DATE (YYYY-MM-DD).")
@click.argument("received", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--explain", is_flag=True, help="Also list the working days counted and the days skipped.")
def due_date(received, explain: bool) -> None:
    calendar = _calendar()
    received = received.date()
    due = calendar.due_on(received)
    click.echo(due.isoformat())
    if explain:
        day = received
        while day < due:
            day = date.fromordinal(day.toordinal() + 1)
            why = ("working day" if calendar.is_working_day(day) else
                   calendar.holiday_name(day) or "weekend")
            click.echo(f"  {day.isoformat()} {day.strftime('%a')}  {why}")


def _calendar():
    """The calendar in force: the database's official list if reachable, else config/.

    Only the database is opened, not the app (no Flask, Celery or alembic): a due date is a
    quick question. A SQLite file that does not exist yet holds no list, so it is not created.
    """
    from .. import working_days

    try:
        from ..config import from_env, sqlite_file

        url = from_env().database_url
        file = sqlite_file(url)
        if file is None or file.exists():
            from ..db import Database
            from ..services.calendar import get_calendar

            database = Database(url)
            try:
                with database.session() as session:
                    return get_calendar(session)
            finally:
                database.engine.dispose()
    except Exception:
        pass
    return working_days.WorkingCalendar(working_days.default_official_list())


@click.group(help="The England and Wales bank holiday list.")
def calendar() -> None:
    pass


@calendar.command("refresh", help="Load the official GOV.UK list (from --file, or the URL when online) and "
                                  "recompute the due dates of open reviews.")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--url", default="https://www.gov.uk/bank-holidays.json", show_default=True)
def calendar_refresh(path, url) -> None:
    from .. import working_days
    from ..db import transaction
    from ..services import calendar as svc

    if path:
        new = working_days.load_official_list(path)
        source = path
    else:
        import urllib.request

        try:
            with urllib.request.urlopen(url, timeout=20) as resp:  # noqa: S310 (fixed https URL)
                new = working_days.parse_official_list(json.load(resp))
        except OSError as exc:
            raise click.ClickException(f"could not fetch {url} ({exc}); nothing changed. "
                                       "Use --file with a downloaded copy.") from None
        source = url
    with app_session() as (_app, session), transaction(session):
        summary = svc.refresh(session, new, source=source)
    changes = summary["changes"]
    click.echo(f"list changed: {summary['changed']}; added {len(changes['added'])}, removed "
               f"{len(changes['removed'])}, renamed {len(changes['renamed'])}; "
               f"open reviews recomputed: {summary['reviews_recomputed']}")


@click.command(help="Print the review lifecycle as a Mermaid state diagram.")
def lifecycle() -> None:
    from ..workflows.lifecycle import mermaid

    click.echo(mermaid(), nl=False)
