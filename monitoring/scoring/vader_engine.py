"""VADER's scoring, re-implemented over precomputed structures: the same numbers, several times
cheaper per text.

vaderSentiment 3.3.2 rebuilds strings character by character to translate emoji, lower-cases
every word again in every rule, scans lists for negations and formats five idiom strings per
sentiment word. ``VaderEngine`` keeps its algorithm rule for rule, bugs included (they are
what the r = 0.87 of decision record 0003 was measured with): the ``so``/``this`` booster of
the third word back, the first-equal-value indexing of the ``but`` rule, capitals that push a
zero valence negative, emoji descriptions glued to the next word. What changes is the work
per text: emoji are looked for only in non-ASCII text, each distinct raw token is stripped and
lower-cased once per process (a bounded cache), negations and boosters are dict look-ups, the
idiom rule runs only when a word of some idiom is near, the ``but`` rule only when "but"
occurs, and a lexicon word with no word any rule reads near it takes its valence directly.
tests/test_vader_engine.py holds it equal to vaderSentiment to 1e-9.

``ScoringCore`` is the part every language shares: from a text's list of word valences to
VADER's compound (sum, ``!``/``?`` emphasis, normalization) or its neg/neu/pos shares. The
Italian scorer (``monitoring/scoring/italian.py``) is a ``ScoringCore`` with Italian rules.
"""

from __future__ import annotations

import math
import re
import string
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from itertools import compress, count
from pathlib import Path
from typing import Any

import vaderSentiment.vaderSentiment as _vader

B_INCR = _vader.B_INCR
B_DECR = _vader.B_DECR
C_INCR = _vader.C_INCR
N_SCALAR = _vader.N_SCALAR
NEGATE: frozenset[str] = frozenset(_vader.NEGATE)
BOOSTER_DICT: dict[str, float] = dict(_vader.BOOSTER_DICT)
SPECIAL_CASES: dict[str, float] = dict(_vader.SPECIAL_CASES)

VADER_DIR = Path(_vader.__file__).resolve().parent
VADER_LEXICON = VADER_DIR / "vader_lexicon.txt"
VADER_EMOJI = VADER_DIR / "emoji_utf8_lexicon.txt"

NEVER_SO_SCALAR = 1.25  # "never so good": VADER's empirically set intensification
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
_SO_THIS = ("so", "this")
_TOKEN_CACHE_LIMIT = 200_000


def read_lexicon(path: Path | str = VADER_LEXICON) -> dict[str, float]:
    """A VADER-format lexicon (``token<TAB>valence[<TAB>...]``) read as vaderSentiment's
    ``make_lex_dict`` reads it: keys as written, later lines win."""
    lexicon: dict[str, float] = {}
    for line in Path(path).read_text(encoding="utf-8").rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon


def read_emoji(path: Path | str = VADER_EMOJI) -> dict[str, str]:
    """VADER's emoji lexicon: emoji -> its English description (``make_emoji_dict``)."""
    emojis: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


def normalize(score: float, alpha: float = 15) -> float:
    """VADER's squashing of a valence sum into -1..1 (same arithmetic, same rounding)."""
    norm_score = score / math.sqrt((score * score) + alpha)
    if norm_score < -1.0:
        return -1.0
    if norm_score > 1.0:
        return 1.0
    return norm_score


def punctuation_emphasis(text: str) -> float:
    """VADER's emphasis from exclamation marks (up to 4) and question marks (2 or more)."""
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_amplifier + qm_amplifier


def compound_of(sentiments: list[float], text: str) -> float:
    """VADER's ``score_valence``, compound part only: sum, emphasis, normalize, round."""
    if not sentiments:
        return 0.0
    sum_s = float(sum(sentiments))
    if sum_s == 0:
        return round(normalize(sum_s), 4)
    # punctuation_emphasis and normalize inlined (same arithmetic): this runs on every text.
    ep_count = text.count("!")
    qm_count = text.count("?")
    emphasis = (ep_count if ep_count < 4 else 4) * 0.292
    if qm_count > 1:
        emphasis += qm_count * 0.18 if qm_count <= 3 else 0.96
    sum_s = sum_s + emphasis if sum_s > 0 else sum_s - emphasis
    norm_score = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if norm_score < -1.0:
        norm_score = -1.0
    elif norm_score > 1.0:
        norm_score = 1.0
    return round(norm_score, 4)


def scores_of(sentiments: list[float], text: str) -> dict[str, float]:
    """VADER's ``score_valence``: neg, neu, pos shares and compound, as vaderSentiment rounds
    them."""
    if not sentiments:
        return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    emphasis = punctuation_emphasis(text)
    pos_sum = neg_sum = 0.0
    neu_count = 0
    for s in sentiments:
        if s > 0:
            pos_sum += float(s) + 1  # VADER counts a neutral word as 1
        if s < 0:
            neg_sum += float(s) - 1
        if s == 0:
            neu_count += 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += emphasis
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= emphasis
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": compound_of(sentiments, text),
    }


class ScoringCore(ABC):
    """From a text to VADER's scores, given the language's rules in ``valences``."""

    lexicon: dict[str, float]

    @abstractmethod
    def valences(self, text: str) -> tuple[list[float], str]:
        """One valence per token after the language's rules, and the text whose ``!`` and
        ``?`` count as emphasis."""

    def compound(self, text: str) -> float:
        """VADER's compound score (-1..1, rounded to 4 places) alone: what the product stores."""
        sentiments, emphasis_text = self.valences(text)
        return compound_of(sentiments, emphasis_text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """VADER's neg/neu/pos/compound."""
        sentiments, emphasis_text = self.valences(text)
        return scores_of(sentiments, emphasis_text)


class VaderEngine(ScoringCore):
    """VADER 3.3.2's rules (``SentimentIntensityAnalyzer.polarity_scores``) over look-up tables.

    :param lexicon: word -> valence; VADER's own by default.
    :param emojis: emoji -> description scored in its place; VADER's own by default.
    :param boosters: booster/dampener (single words and phrases such as "kind of") -> scalar.
    :param negations: words that negate (any word containing "n't" negates too).
    :param special_cases: idioms (two or three words) -> the valence they impose.
    """

    def __init__(
        self,
        lexicon: Mapping[str, float] | None = None,
        emojis: Mapping[str, str] | None = None,
        boosters: Mapping[str, float] = BOOSTER_DICT,
        negations: Iterable[str] = NEGATE,
        special_cases: Mapping[str, float] = SPECIAL_CASES,
    ) -> None:
        self.lexicon = dict(read_lexicon() if lexicon is None else lexicon)
        self.emojis = dict(read_emoji() if emojis is None else emojis)
        self.boosters = dict(boosters)
        self.negations = frozenset(negations)
        # VADER tests idioms by joining neighbouring lower-case words with a space; tokens
        # never hold whitespace, so the same test is a look-up of the tuple of words.
        self.special_cases = {tuple(k.split(" ")): v for k, v in special_cases.items()}
        self.booster_phrases = {
            tuple(k.split(" ")): v for k, v in self.boosters.items() if " " in k
        }
        # Every sequence the idiom rule forms holds the word itself or the one two back, so
        # when neither belongs to an idiom the rule cannot fire.
        self.idiom_words = frozenset(
            w for key in (*self.special_cases, *self.booster_phrases) if len(key) > 1 for w in key
        )
        # Only single characters are emoji to VADER (it reads the text one character at a
        # time), so sequences such as flags never match.
        singles = sorted(k for k in self.emojis if len(k) == 1)
        # A class of the emoji themselves is a linear scan per character in ``re`` (most lie
        # outside the BMP, where it has no bitmap): 40 µs per text. One range from the lowest
        # emoji up finds the candidates in C, and the dictionary decides.
        self._emoji_re = (
            re.compile(f"[{re.escape(singles[0])}-{re.escape(chr(0x10FFFF))}]") if singles else None
        )
        # VADER's emoji are all outside ASCII: plain ASCII text skips the search.
        self._ascii_emoji = any(k.isascii() for k in singles)
        self._tokens = ChunkCache(self._token)
        self._token_of = self._tokens.__getitem__
        # The words that get a valence of their own: in the lexicon and not boosters (built
        # once; the tables are not changed after construction).
        self._scorable = frozenset(w for w in self.lexicon if w not in self.boosters)
        self._negation_words = self.negations | {"never", "without", *_SO_THIS}
        # Every word a rule of _valence reads around a lexicon word, besides negations and
        # idioms (whose rule is triggered by the word itself or the one two back).
        self._context_words = frozenset(self.boosters) | {"no", "least"}

    # --- text to tokens -----------------------------------------------------------------

    def _describe_emoji(self, text: str, found: list[re.Match[str]]) -> str:
        """Each emoji (``found``, in order) replaced by its description, as VADER does:
        preceded by a space unless the text or a space comes right before it, and glued to
        whatever follows."""
        emojis = self.emojis
        parts = []
        end = 0
        for match in found:
            start = match.start()
            parts.append(text[end:start])
            if start != 0 and text[start - 1] != " ":
                parts.append(" ")
            parts.append(emojis[match.group()])
            end = start + 1
        parts.append(text[end:])
        return "".join(parts)

    def _token(self, raw: str) -> tuple[str, bool, bool, bool, bool]:
        """(lower case, all capitals, may negate, in context, idiom word) of a whitespace-
        separated chunk after VADER's rule: punctuation stripped from both ends unless that
        leaves two characters or fewer (so emoticons such as ":)" and ":D" stay whole).
        "May negate": a word that the negation rule reacts to (a negation, "never", "without",
        "so", "this"); "in context": that or another word ``_valence`` reads around a lexicon
        word (booster, "no", "least"); "idiom word": a word of an idiom or booster phrase."""
        stripped = raw.strip(string.punctuation)
        word = raw if len(stripped) <= 2 else stripped
        lower = word.lower()
        negating = lower in self._negation_words or "n't" in lower
        context = negating or lower in self._context_words
        entry = (lower, word.isupper(), negating, context, lower in self.idiom_words)
        if len(self._tokens) >= _TOKEN_CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[raw] = entry
        return entry

    def valences(self, text: str) -> tuple[list[float], str]:
        emoji = self._emoji_re
        if emoji is not None and (self._ascii_emoji or not text.isascii()):
            emojis = self.emojis
            found = [m for m in emoji.finditer(text) if m.group() in emojis]
            if found:
                text = self._describe_emoji(text, found)
        text = text.strip()
        raws = text.split()
        if not raws:
            return [], text
        lowers, uppers, negating, context, idiom = zip(*map(self._token_of, raws), strict=True)
        n = len(lowers)
        caps = sum(uppers)
        is_cap_diff = 0 < n - caps < n
        sentiments: list[float] = [0] * n
        # Boosters modify others and unknown words are 0: only lexicon words are visited.
        for i in compress(count(), map(self._scorable.__contains__, lowers)):
            word = lowers[i]
            if word == "kind" and i < n - 1 and lowers[i + 1] == "of":
                continue
            if (
                context[i]
                or any(context[max(0, i - 3) : i])
                or (i > 2 and (idiom[i] or idiom[i - 2]))  # _valence's trigger of idioms
            ):
                sentiments[i] = self._valence(lowers, uppers, i, is_cap_diff, negating)
                continue
            # No word any rule reads is near: the lexicon valence and capitals alone.
            valence = self.lexicon[word]
            if uppers[i] and is_cap_diff:
                valence += C_INCR if valence > 0 else -C_INCR
            sentiments[i] = valence
        if "but" in lowers:
            _but_check(lowers.index("but"), sentiments)
        return sentiments, text

    # --- VADER's sentiment_valence -------------------------------------------------------

    def _valence(
        self,
        lowers: tuple[str, ...],
        uppers: tuple[bool, ...],
        i: int,
        is_cap_diff: bool,
        negating: tuple[bool, ...],
    ) -> float:
        """The valence of lexicon word ``i`` after "no", capitals, boosters, negation, idioms
        and "least", in vaderSentiment's order. ``negating``: per word, whether the negation
        rule reacts to it; with none of those in the three words before, it changes nothing."""
        lexicon = self.lexicon
        word = lowers[i]
        valence = lexicon[word]
        n = len(lowers)
        if word == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0  # "no" negates the next word instead of counting itself
        if (
            (i > 0 and lowers[i - 1] == "no")
            or (i > 1 and lowers[i - 2] == "no")
            or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[word] * N_SCALAR
        if uppers[i] and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        negated_near = any(negating[max(0, i - 3) : i])
        for start_i in range(3):
            if i <= start_i:
                break
            j = i - (start_i + 1)
            before = lowers[j]
            if before in lexicon:
                continue
            scalar = self.boosters.get(before)
            if scalar is not None:
                if valence < 0:
                    scalar *= -1
                if uppers[j] and is_cap_diff:
                    if valence > 0:
                        scalar += C_INCR
                    else:
                        scalar -= C_INCR
                if start_i == 1 and scalar != 0:
                    scalar = scalar * 0.95
                if start_i == 2 and scalar != 0:
                    scalar = scalar * 0.9
                valence = valence + scalar
            if negated_near:
                valence = self._negation_check(valence, lowers, start_i, i)
            if start_i == 2 and (word in self.idiom_words or lowers[i - 2] in self.idiom_words):
                valence = self._idioms_check(valence, lowers, i)
        if i > 0 and lowers[i - 1] == "least" and "least" not in lexicon:
            if i == 1 or (lowers[i - 2] != "at" and lowers[i - 2] != "very"):
                valence = valence * N_SCALAR
        return valence

    def _negated(self, word: str) -> bool:
        return word in self.negations or "n't" in word

    def _negation_check(
        self, valence: float, lowers: tuple[str, ...], start_i: int, i: int
    ) -> float:
        if start_i == 0:
            if self._negated(lowers[i - 1]):
                valence = valence * N_SCALAR
        elif start_i == 1:
            if lowers[i - 2] == "never" and lowers[i - 1] in _SO_THIS:
                valence = valence * NEVER_SO_SCALAR
            elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
                pass
            elif self._negated(lowers[i - 2]):
                valence = valence * N_SCALAR
        else:
            w3, w2, w1 = lowers[i - 3], lowers[i - 2], lowers[i - 1]
            # VADER's precedence: "so"/"this" right before the word intensifies on its own.
            if (w3 == "never" and w2 in _SO_THIS) or w1 in _SO_THIS:
                valence = valence * NEVER_SO_SCALAR
            elif w3 == "without" and (w2 == "doubt" or w1 == "doubt"):
                pass
            elif self._negated(w3):
                valence = valence * N_SCALAR
        return valence

    def _idioms_check(self, valence: float, lowers: tuple[str, ...], i: int) -> float:
        """VADER's ``_special_idioms_check`` (run with three words before the word)."""
        cases = self.special_cases
        w0, w1, w2, w3 = lowers[i], lowers[i - 1], lowers[i - 2], lowers[i - 3]
        for seq in ((w1, w0), (w2, w1, w0), (w2, w1), (w3, w2, w1), (w3, w2)):
            if seq in cases:
                valence = cases[seq]
                break
        n = len(lowers)
        if n - 1 > i and (w0, lowers[i + 1]) in cases:
            valence = cases[(w0, lowers[i + 1])]
        if n - 1 > i + 1 and (w0, lowers[i + 1], lowers[i + 2]) in cases:
            valence = cases[(w0, lowers[i + 1], lowers[i + 2])]
        for seq in ((w3, w2, w1), (w3, w2), (w2, w1)):
            if seq in self.booster_phrases:
                valence = valence + self.booster_phrases[seq]
        return valence


class ChunkCache(dict):
    """A cache of whitespace-separated chunks: a missing chunk goes to ``cut``, which returns
    what it is cut into and stores it (or not, for chunks that seldom recur), so a text's
    look-ups run as one ``map`` (the English tokens here, the Italian pieces in italian.py)."""

    def __init__(self, cut: Callable[[str], Any]) -> None:
        super().__init__()
        self._cut = cut

    def __missing__(self, raw: str) -> Any:
        return self._cut(raw)


def _but_check(but_index: int, sentiments: list[float]) -> None:
    """VADER's ``_but_check``, in place and literally: it finds each value's position with
    ``list.index`` (the first equal value) while rewriting the list, so repeated values can
    be halved twice or skipped; the numbers people rated were produced this way."""
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < but_index:
            sentiments[si] = sentiment * BUT_BEFORE
        elif si > but_index:
            sentiments[si] = sentiment * BUT_AFTER
