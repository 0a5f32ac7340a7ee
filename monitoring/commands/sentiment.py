"""``sentiment``: language and compound score for texts on standard input, one per line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import islice

import click

from monitoring.cli import cli

BATCH = 2_000  # lines scored together: repeated lines in a batch are scored once


@cli.command("sentiment")
@click.option(
    "--lang",
    type=click.Choice(["auto", "en", "it"]),
    default="auto",
    show_default=True,
    help="Score every line as this language, or detect each line's language.",
)
def sentiment_command(lang: str) -> None:
    """Read one text a line on stdin; write one JSON object a line with "lang" and
    "compound" (-1..1, VADER's scale). Languages other than Italian and English, and lines
    with nothing to score, get "compound": null. Output lines match input lines one to one.

    Example:

    \b
        printf 'Servizio pessimo, mai più!\\nGreat support, thanks :)\\n' |
            python -m monitoring sentiment
        {"lang": "it", "compound": -0.7777}
        {"lang": "en", "compound": 0.9136}
    """
    from monitoring.scoring.sentiment import analyze_many  # not on every CLI start

    forced = None if lang == "auto" else lang
    out = sys.stdout
    for batch in _batches(_lines(), BATCH):
        results = analyze_many(batch, [forced] * len(batch))
        for result in results:
            out.write(json.dumps({"lang": result.lang, "compound": result.compound}) + "\n")
        out.flush()


def _lines() -> Iterator[str]:
    # Bytes, not text mode: a stray invalid byte must not stop the stream, and text is kept
    # as written (no stripping beyond the line end: VADER reads spacing and punctuation).
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _batches(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    while batch := list(islice(lines, size)):
        yield batch
