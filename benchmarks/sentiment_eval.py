"""Figures for the language detector and the sentiment scorers (issue 4). Prints, never asserts.

    python benchmarks/sentiment_eval.py            # quality + speed (about a minute)
    python benchmarks/sentiment_eval.py --quick    # quality only

Quality: Pearson r with VADER's human-rated tweets (English); 3-class macro-F1, accuracy and
positive/negative macro-F1 on tests/data/it_dev.tsv (all, per split, per domain; splits are
described in monitoring/scoring/evaluation.py), the same for plain VADER on the Italian texts
(the baseline issue 4 quotes); language detection on both sets. Speed: texts per second for
detect + score in one process.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from monitoring.scoring.evaluation import (  # noqa: E402
    LABELS,
    SPLITS,
    accuracy,
    load_it_dev,
    load_vader_tweets,
    macro_f1,
    pearson,
)
from monitoring.scoring.language import detect_language, detector  # noqa: E402
from monitoring.scoring.sentiment import (  # noqa: E402
    Sentiment,
    analyze,
    analyze_many,
    english_analyzer,
    italian_analyzer,
)

POS_NEG = ("negative", "positive")


def it_label(text: str) -> str | None:
    return analyze(text, "it").label


def vader_label(text: str) -> str | None:
    """Plain English VADER on Italian text: the baseline issue 4 starts from."""
    return Sentiment("it", english_analyzer().polarity_scores(text)["compound"]).label


def italian_figures(rows, predict) -> str:
    gold = [r.label for r in rows]
    predicted = [predict(r.text) for r in rows]
    polar = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != "neutral"]
    return (
        f"n={len(rows):3d}  macro-F1 {macro_f1(gold, predicted, LABELS):.3f}  "
        f"accuracy {accuracy(gold, predicted):.3f}  "
        f"pos/neg macro-F1 {macro_f1([g for g, _ in polar], [p for _, p in polar], POS_NEG):.3f}"
    )


def quality() -> None:
    texts, ratings = load_vader_tweets()
    ours = [analyze(t, "en").compound for t in texts]
    auto = analyze_many(texts)
    print("English: VADER's 4,200 human-rated tweets")
    print(f"  Pearson r, --lang en (VADER on raw text)   {pearson(ours, ratings):.4f}")
    auto_scores = [s.compound if s.compound is not None else 0.0 for s in auto]
    print(f"  Pearson r, --lang auto (unscored as 0)     {pearson(auto_scores, ratings):.4f}")
    langs = Counter(s.lang for s in auto)
    print(f"  detected languages: {dict(langs.most_common())}")

    rows = load_it_dev()
    print(f"Italian: tests/data/it_dev.tsv ({len(rows)} hand-labelled posts)")
    print(f"  all       {italian_figures(rows, it_label)}")
    for split in SPLITS:
        subset = [r for r in rows if r.split == split]
        print(f"  {split:9s} {italian_figures(subset, it_label)}")
    for domain in sorted({r.domain for r in rows}):
        subset = [r for r in rows if r.domain == domain]
        print(f"  {domain:9s} {italian_figures(subset, it_label)}")
    print(f"  plain VADER on the same Italian texts: {italian_figures(rows, vader_label)}")
    neutral_share = sum(1 for r in rows if vader_label(r.text) == "neutral") / len(rows)
    print(f"  plain VADER calls {neutral_share:.0%} of them neutral")
    detected = Counter(detect_language(r.text) for r in rows)
    print(f"  detected languages: {dict(detected.most_common())}")


def corpus(n: int, repost_share: float, seed: int = 7) -> list[str]:
    """Half Italian, half English social posts, each made distinct by an @mention the way
    replies are, then ``repost_share`` of them replaced by repeats of earlier ones."""
    rng = random.Random(seed)
    english, _ = load_vader_tweets()
    italian = [r.text for r in load_it_dev()]
    texts = []
    for k in range(n):
        if k % 2:
            texts.append(f"{rng.choice(english)} @user{k}")
        else:
            texts.append(f"@user{k} {rng.choice(italian)} {rng.choice(italian)}")
    for k in range(n):
        if k and rng.random() < repost_share:
            texts[k] = texts[rng.randrange(k)]
    return texts


def rate(label: str, n: int, fn) -> float:
    start = time.perf_counter()
    fn()
    per_second = n / (time.perf_counter() - start)
    print(f"  {label:58s} {per_second:8.0f} texts/s")
    return per_second


def speed(n: int) -> None:
    detector()
    english_analyzer()
    italian_analyzer()
    plain = SentimentIntensityAnalyzer()  # vaderSentiment itself, the baseline issue 4 names
    distinct = corpus(n, 0.0)
    reposted = corpus(n, 0.3)
    print(f"Speed, one process, {n} texts (half Italian, half English)")
    base = rate(
        "baseline: VADER row by row, no detection",
        n,
        lambda: [plain.polarity_scores(t) for t in distinct],
    )
    rate("detect_language only", n, lambda: [detect_language(t) for t in distinct])
    rate("analyze(text) row by row: detect + score", n, lambda: [analyze(t) for t in distinct])
    fast = rate("analyze_many, distinct texts", n, lambda: analyze_many(distinct))
    dedup = rate(
        "analyze_many, 30% reposts (each distinct text once)", n, lambda: analyze_many(reposted)
    )
    print(
        f"  analyze_many / baseline: {fast / base:.2f}x distinct, {dedup / base:.2f}x with reposts"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quality figures only")
    parser.add_argument("-n", type=int, default=20_000, help="texts in the speed corpus")
    args = parser.parse_args()
    quality()
    if not args.quick:
        speed(args.n)


if __name__ == "__main__":
    main()
