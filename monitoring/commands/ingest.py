"""``ingest`` and ``import``: fetch the sources of sources.yaml, or load an export file."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from tqdm import tqdm

from monitoring import db, store
from monitoring.cli import BadInput, cli, pass_settings
from monitoring.ingest import files, runner
from monitoring.ingest.sources import load_sources
from monitoring.org import PLATFORMS, load_org
from monitoring.settings import Settings


def _prepare(settings: Settings) -> None:
    """Migrate the database; load the roster once if ``init`` never did, so staff posts are
    recognised from the first batch (classification happens when an item is stored)."""
    db.init(settings.db_path)
    teams = db.read(settings.db_path, lambda conn: db.scalar(conn, "SELECT count(*) FROM teams"))
    if not teams and settings.org_path.exists():
        org = load_org(settings.org_path)
        db.write(settings.db_path, lambda conn: store.sync_org(conn, org))


def _table(reports: list[runner.SourceReport]) -> str:
    width = max([len("source")] + [len(r.name) for r in reports])
    lines = [
        f"{'source':<{width}}  {'fetched':>8} {'new':>8} {'duplicate':>9} {'rejected':>8}  status"
    ]
    for r in reports:
        status = "ok" if r.status == "ok" else f"FAILED: {r.error}"
        lines.append(
            f"{r.name:<{width}}  {r.fetched:>8} {r.new:>8} {r.duplicate:>9} {r.rejected:>8}  "
            f"{status}"
        )
    return "\n".join(lines)


class _Progress:
    """A tqdm bar over sources (on a terminal); its postfix shows the running counts."""

    def __init__(self, total: int, unit: str) -> None:
        self.bar = tqdm(total=total, unit=unit, disable=None, leave=False, file=sys.stderr)

    def __call__(self, report: runner.SourceReport) -> None:
        self.bar.set_postfix_str(
            f"{report.name}: {report.fetched} fetched, {report.new} new", refresh=False
        )
        if report.status != "running":
            self.bar.update(1)
        else:
            self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


@cli.command("ingest")
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="sources.yaml to read (default: data/sources.yaml; env SENTINELLA_SOURCES).",
)
@click.option("--source", "names", multiple=True, help="Run only this source (repeatable).")
@click.option("--every", help="Keep running, one cycle every interval (e.g. 15m, 1h).")
@pass_settings
def ingest_command(
    settings: Settings, sources_path: Path | None, names: tuple[str, ...], every: str | None
) -> None:
    """Fetch new items from the sources in sources.yaml and store them once each.

    Prints, per source, how many records were fetched, stored as new, already known
    (duplicate) and rejected (kept with their reason); exits 1 when any source failed.

    Example:

    \b
        python -m monitoring ingest
        python -m monitoring ingest --source google-news --source hn-search
        python -m monitoring ingest --every 15m
    """
    config = load_sources(sources_path or settings.sources_path)
    try:
        entries = config.select(names)
        interval = runner.parse_every(every) if every else None
    except (KeyError, ValueError) as exc:
        raise BadInput(str(exc.args[0])) from None
    if not entries:
        raise BadInput("no enabled sources to run")
    _prepare(settings)

    def cycle() -> list[runner.SourceReport]:
        progress = _Progress(len(entries), "source")
        try:
            reports = runner.run_sources(settings.db_path, entries, on_progress=progress)
        finally:
            progress.close()
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        click.echo(f"ingest {stamp}\n{_table(reports)}")
        from monitoring.alerts import run_after_pipeline  # issue 8: alerts after each ingest

        click.echo(run_after_pipeline(settings.db_path, settings.org_path))
        return reports

    if interval is not None:
        click.echo(f"running every {every}; stop with Ctrl-C")
        try:
            runner.run_every(interval, cycle)
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    reports = cycle()
    failed = [r for r in reports if r.failed]
    if failed:
        click.echo(f"{len(failed)} of {len(reports)} sources failed", err=True)
        sys.exit(1)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--platform", required=True, type=click.Choice(PLATFORMS), help="Items' platform.")
@click.option(
    "--format", "fmt", type=click.Choice(files.FORMATS), help="Default: from the file name."
)
@click.option(
    "--mapping",
    type=click.Choice(sorted(files.MAPPINGS)),
    help="Column mapping of a known export (default: sentinella, our own column names).",
)
@pass_settings
def import_command(
    settings: Settings, file: Path, platform: str, fmt: str | None, mapping: str | None
) -> None:
    """Load an export file (CSV, JSON array or NDJSON) in bulk.

    Rows already stored count as duplicates; bad rows are kept in the rejects table with
    their reason and raw bytes, and the rest goes in.

    Example:

    \b
        python -m monitoring import mentions.ndjson --platform x
        python -m monitoring import export.csv --platform news --mapping meltwater
    """
    try:
        files.detect_format(file, fmt)
        if not file.is_file():
            raise files.ImportFailed(f"{file}: file not found")
    except files.ImportFailed as exc:
        raise BadInput(str(exc)) from None
    _prepare(settings)
    bar = tqdm(unit=" rows", unit_scale=True, disable=None, leave=False, file=sys.stderr)
    seen = {"rows": 0}

    def progress(report: runner.SourceReport) -> None:
        bar.update(report.fetched - seen["rows"])
        seen["rows"] = report.fetched

    started = datetime.now(UTC)
    try:
        report = runner.import_file(settings.db_path, file, platform, fmt, mapping, progress)
    finally:
        bar.close()
    seconds = max((datetime.now(UTC) - started).total_seconds(), 1e-9)
    if report.failed:
        raise BadInput(report.error or "import failed")
    click.echo(
        f"{file}: {report.fetched} read, {report.new} new, {report.duplicate} duplicate, "
        f"{report.rejected} rejected in {seconds:.1f}s ({report.fetched / seconds:,.0f} rows/s)"
    )
