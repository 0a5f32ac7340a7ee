from pathlib import Path

import click

from monitoring import bench
from monitoring.cli import cli


@cli.command("bench")
@click.option("--mentions", type=click.IntRange(min=1000), default=1_000_000, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("benchmarks/results/bench.json"),
    show_default=True,
    help="Where to write the figures as JSON.",
)
@click.option(
    "--keep", type=click.Path(file_okay=False, path_type=Path), help="Work folder to keep."
)
@click.option("--no-pages", is_flag=True, help="Skip the AppTest page timings.")
def bench_command(mentions: int, out: Path, keep: Path | None, no_pages: bool) -> None:
    """Measure import, scoring, incremental work and page times on a fresh temporary database.

    Prints a table (our figure, the naive way's, the ratio) and writes the JSON to --out.

    Example:

        python -m monitoring bench --mentions 1000000
    """
    report = bench.main(mentions, out, keep, page_runs=not no_pages)
    click.echo(bench.format_table(report))
    click.echo(f"figures written to {out}")
