"""``sfoflow demo``: load the synthetic demo year (never in production)."""
from __future__ import annotations

import click

from . import app_session


@click.command(help="Load a realistic synthetic year of reviews and demo users for every role. "
                    "Adds only what is missing, so running it twice duplicates nothing. "
                    "Refused when SFOFLOW_ENV=production.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day (YYYY-MM-DD) the year is laid around: its last day. Default: today in London.")
def demo(today) -> None:
    from .. import demo as demo_data

    with app_session() as (app, session):
        try:
            summary = demo_data.load(session, production=app.config["SFOFLOW"].production,
                                     today=today.date() if today else None)
        except demo_data.DemoRefused as exc:
            raise click.ClickException(str(exc)) from None
        for line in summary.lines():
            click.echo(line)
        print_logins(session)


def print_logins(session) -> None:
    for line in login_lines(session):
        click.echo(line)


def login_lines(session) -> list[str]:
    from .. import demo as demo_data
    from ..workflows.lifecycle import ROLES

    found = demo_data.logins(session)
    if not found:
        return []
    return [f"demo sign-ins (password {demo_data.DEMO_PASSWORD}):",
            *(f"  {ROLES[role]:<32} {email}" for role, email in found)]
