"""``python -m monitoring``: the command line. Commands live in ``monitoring/commands/``.

Each command body delegates to the domain modules; domain errors become one-line messages
with a non-zero exit code (2 for bad configuration or input, 1 for everything else).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitoring.config import ConfigError
from monitoring.db import DatabaseBusy
from monitoring.settings import Settings, get_settings


class BadInput(click.ClickException):
    """A file or argument the user gave is wrong; exit code 2 like click's usage errors."""

    exit_code = 2


class SentinellaGroup(click.Group):
    """Turns the domain's exceptions into one-line errors instead of tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise BadInput(str(exc)) from None
        except DatabaseBusy as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=SentinellaGroup)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SENTINELLA_DB",
    help="DuckDB file (default: data/sentinella.duckdb; env SENTINELLA_DB).",
)
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Sentinella: brand-reputation monitoring for decentralized social-media teams."""
    ctx.obj = get_settings(db)


pass_settings = click.make_pass_decorator(Settings)


def main() -> None:
    cli.main(prog_name="python -m monitoring")


def _register_commands() -> None:
    # Imported for their @cli.command side effect; one module per command family.
    import importlib
    import pkgutil

    import monitoring.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        importlib.import_module(f"{package.__name__}.{info.name}")


_register_commands()

if __name__ == "__main__":  # pragma: no cover - exercised through python -m monitoring
    sys.exit(main())
