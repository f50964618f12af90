"""The ``sfoflow`` command and the one list of its sub-commands.

Start-up costs only what a command needs: the modules below import click and the standard
library at the top, and each command imports the app, the database or Celery inside its
function. So ``sfoflow due-date`` or ``sfoflow --help`` never load Flask, alembic or Celery.
"""
from __future__ import annotations

import click

from .commands.assets import assets
from .commands.core import calendar, due_date, import_, lifecycle, migrate, users
from .commands.demo import demo
from .commands.run import beat, health, run, web, worker
from .commands.sample import sample
from .commands.sweep import outbox, sweep

# Every sub-command, in the order the README's table lists them.
COMMANDS: list[click.Command] = [
    run, web, worker, beat, health,  # run the system
    migrate, demo, assets, users, import_,  # set it up
    due_date, calendar, sample, sweep, outbox, lifecycle,  # ask it things, act now
]


@click.group(help="sfoflow: case tracking for the independent QA of Serious Further Offence reviews.")
def cli() -> None:
    pass


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="sfoflow")
