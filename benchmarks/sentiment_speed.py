"""CPU µs per text of the sentiment scorers (issue 4's speed work). Prints, never asserts.

    python benchmarks/sentiment_speed.py              # the score bench's texts, 20,000
    python benchmarks/sentiment_speed.py -n 50000 --rounds 5

Texts are those of ``benchmarks/score_bench.py speed`` (70% Italian, 30% English, each made
distinct by a serial), split by ``detect_language``. Each scorer first scores a warm-up set
(other serials, so its per-token caches hold the vocabulary as in a long run), then the
measured set once; rounds alternate the scorers and the median is printed, since CPU time per
operation moves with other work on the shared cores. Scorers: vaderSentiment 3.3.2's
``polarity_scores`` (the baseline, on every text and on the English ones), ours for English
(``vader_engine.VaderEngine.compound``), ours for Italian, and the Italian scorer as it was
before the engine (``tests/italian_reference.py``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from italian_reference import ItalianSentimentAnalyzer as PreviousItalian  # noqa: E402
from score_bench import synthetic_text  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from monitoring.scoring.language import detect_language  # noqa: E402
from monitoring.scoring.sentiment import english_analyzer, italian_analyzer  # noqa: E402


def bench_texts(n: int, seed: int, first_serial: int) -> dict[str, list[str]]:
    """``n`` of the score bench's synthetic posts, by detected language ('all' holds all)."""
    rng = random.Random(seed)
    texts = [synthetic_text(rng, first_serial + k) for k in range(n)]
    langs = [detect_language(t) for t in texts]
    return {
        "all": texts,
        "en": [t for t, lang in zip(texts, langs, strict=True) if lang == "en"],
        "it": [t for t, lang in zip(texts, langs, strict=True) if lang == "it"],
    }


def cpu_us(fn: Callable[[str], object], texts: list[str]) -> float:
    """CPU µs per text of ``fn`` over ``texts``, one pass."""
    started = time.process_time()
    for text in texts:
        fn(text)
    return (time.process_time() - started) / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20_000, help="measured texts per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the median is printed)")
    args = parser.parse_args()

    vader = SentimentIntensityAnalyzer()
    previous = PreviousItalian()
    scorers = {
        "vaderSentiment, every text": (vader.polarity_scores, "all"),
        "vaderSentiment, English texts": (vader.polarity_scores, "en"),
        "ours, English (VaderEngine.compound)": (english_analyzer().compound, "en"),
        "ours, Italian": (italian_analyzer().compound, "it"),
        "previous Italian (tests/italian_reference.py)": (previous.compound, "it"),
    }
    warm = bench_texts(args.n // 4, seed=11, first_serial=10_000_000)
    for fn, lang in scorers.values():
        for text in warm[lang]:
            fn(text)
    figures: dict[str, list[float]] = {name: [] for name in scorers}
    for r in range(args.rounds):
        texts = bench_texts(args.n, seed=100 + r, first_serial=r * args.n)
        order = list(scorers) if r % 2 == 0 else list(reversed(scorers))
        for name in order:
            fn, lang = scorers[name]
            figures[name].append(cpu_us(fn, texts[lang]))
    sizes = {lang: len(texts[lang]) for lang in ("all", "en", "it")}
    print(f"Sentiment, CPU µs per text, score bench texts ({sizes}), median of {args.rounds}")
    medians = {name: statistics.median(values) for name, values in figures.items()}
    base = medians["vaderSentiment, every text"]
    for name, value in medians.items():
        spread = ", ".join(f"{v:.1f}" for v in figures[name])
        print(f"  {name:48s} {value:6.1f}   (VADER / this {base / value:4.2f}; rounds {spread})")
    it_share = sizes["it"] / (sizes["it"] + sizes["en"])
    mix = it_share * medians["ours, Italian"]
    mix += (1 - it_share) * medians["ours, English (VaderEngine.compound)"]
    print(f"  {'ours, the mix as detected':48s} {mix:6.1f}   (VADER / this {base / mix:4.2f})")


if __name__ == "__main__":
    main()
