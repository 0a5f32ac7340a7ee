"""Sentiment of one text or many: VADER for English, VADER's engine with Italian rules for
Italian, and no score (None) for any other language — never a silent "neutral".

English text goes to VADER untouched: its rules read capitals, punctuation, emoticons and
emoji, so lowercasing or "cleaning" first would lose signal (issue 4). Both languages run on
``vader_engine``: VADER 3.3.2's algorithm over precomputed tables, which gives vaderSentiment's
numbers exactly at a fraction of its cost per text (decision record 0003, "Engine").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from monitoring.scoring.italian import ItalianSentimentAnalyzer
from monitoring.scoring.language import detect_language, detect_many
from monitoring.scoring.vader_engine import VaderEngine

# VADER's README thresholds on the compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
SCORED_LANGUAGES = ("en", "it")
AUTO = "auto"


@dataclass(frozen=True)
class Sentiment:
    """A text's language and compound score (-1..1); compound is None when the language
    cannot be scored (anything but Italian and English, or no language at all)."""

    lang: str | None
    compound: float | None

    @property
    def label(self) -> str | None:
        """'positive' (>= 0.05), 'negative' (<= -0.05), 'neutral', or None when unscored."""
        if self.compound is None:
            return None
        if self.compound >= POSITIVE_THRESHOLD:
            return "positive"
        if self.compound <= NEGATIVE_THRESHOLD:
            return "negative"
        return "neutral"


@cache
def english_analyzer() -> VaderEngine:
    """VADER's rules with its own lexicons (vaderSentiment's ``polarity_scores`` numbers, and
    ``compound`` alone), built once per process."""
    return VaderEngine()


@cache
def italian_analyzer() -> ItalianSentimentAnalyzer:
    """VADER's engine with the project's Italian lexicon and rules, built once per process."""
    return ItalianSentimentAnalyzer()


def score(text: str, lang: str | None) -> float | None:
    """Compound score of ``text`` in a known language; None for languages we cannot score."""
    if lang == "en":
        return english_analyzer().compound(text)
    if lang == "it":
        return italian_analyzer().compound(text)  # polarity_scores' compound, without the rest
    return None


def analyze(text: str, lang: str | None = None) -> Sentiment:
    """Language and sentiment of one text.

    :param lang: 'en' or 'it' to force the scorer; None or 'auto' to detect the language;
        any other code marks the text as that language and leaves it unscored.
    """
    text = _as_text(text)
    lang = _forced(lang)
    if lang is None:
        lang = detect_language(text)
    return Sentiment(lang, score(text, lang))


def analyze_many(texts: list[str], langs: list[str | None] | None = None) -> list[Sentiment]:
    """``analyze`` for a batch: each distinct (text, language) pair is detected and scored
    once, so reposts and repeated replies cost nothing extra.

    :param langs: per text, a language to force ('en', 'it', other code) or None/'auto' to
        detect; omitted means detect every text.
    """
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"analyze_many: {len(texts)} texts but {len(langs)} languages")
    texts = [_as_text(t) for t in texts]
    wanted = langs if langs is not None else [None] * len(texts)
    keys = [(t, _forced(lang)) for t, lang in zip(texts, wanted, strict=True)]
    unique = list(dict.fromkeys(keys))
    to_detect = [t for t, lang in unique if lang is None]
    detected = dict(zip(to_detect, detect_many(to_detect), strict=True))
    results = {}
    for text, lang in unique:
        resolved = lang if lang is not None else detected[text]
        results[(text, lang)] = Sentiment(resolved, score(text, resolved))
    return [results[key] for key in keys]


def _forced(lang: str | None) -> str | None:
    """The language a caller forces ('IT' and 'it' alike), or None to detect."""
    if lang is None or lang.lower() == AUTO:
        return None
    return lang.lower()


def _as_text(text: object) -> str:
    # Bytes or numbers arriving from a loose export must not crash the scorer.
    if isinstance(text, str):
        return text
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    return "" if text is None else str(text)
