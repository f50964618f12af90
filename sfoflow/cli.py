"""The ``sfoflow`` command. Each module in ``sfoflow/commands/`` contributes its commands."""
from __future__ import annotations

import importlib
import pkgutil

import click

from . import commands


@click.group(help="sfoflow: case tracking for the independent QA of Serious Further Offence reviews.")
def cli() -> None:
    pass


for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    module = importlib.import_module(f"{commands.__name__}.{info.name}")
    for command in getattr(module, "COMMANDS", []):
        cli.add_command(command)


def main() -> None:
    cli(prog_name="sfoflow")
