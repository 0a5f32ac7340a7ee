"""Pre-checks derived from a regular expression, so a regex rule skips most texts in C.

A regex rule's patterns (``data/policy.yaml``, written by users) mostly run on texts they
cannot match. From a pattern's parsed form (``re._parser``, the module ``re`` itself compiles
with; Python 3.11+) we derive conditions every match implies: a word from a list, a character,
a number of digits, how a word starts, two adjacent characters. A text failing one is skipped.
Each condition only skips texts without a match, so the rule's evidence is the same; a pattern
we cannot read gets no pre-check. Tests: tests/test_policy.py (hypothesis over pattern pieces,
and the letters that IGNORECASE matches with ASCII ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from re import _constants as sre
from re import _parser as sre_parse
from typing import Protocol

from monitoring.scoring.topics import TextIndex


class DocLike(Protocol):
    """What the pre-checks read of a text (``monitoring.scoring.policy.Doc``)."""

    text: str
    folded: str
    index: TextIndex
    plain: bool
    digits: int | None


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_CASE_TWIN = re.compile("[\u0130\u0131\u017f\u212a]")


def text_traits(text: str, index: TextIndex) -> tuple[bool, int | None]:
    """(plain, digits) of ``text`` (``index`` is of its folded form): plain when no character
    that IGNORECASE matches with an ASCII letter (İ ı ſ K) is there, so every word a pattern
    finds in the text or its folded form is a word of the index (lower-cased); digits, how many
    characters ``\\d`` matches, when they are all ASCII ones (None: not counted)."""
    folded = index.folded
    plain = text.isascii() or _CASE_TWIN.search(text) is None
    digits = None
    if folded.isascii() or not any(map(str.isdecimal, _ASCII_RUNS.sub("", folded))):
        # The text's \\d characters are ASCII digits, which the index's bytes keep.
        spaced = index.spaced
        digits = len(spaced) - len(spaced.translate(None, b"0123456789"))
    return plain, digits


_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_WORD_TEXT = re.compile(r"[A-Za-z0-9_]+")
DocTest = Callable[[DocLike], bool]


def may_match_any(patterns: Sequence[str], flags: int, on_folded: bool) -> DocTest:
    """A test that is False only for texts none of ``patterns`` can match."""
    tests = [may_match(p, flags, on_folded) for p in patterns]
    if not tests or any(t is None for t in tests):
        return lambda doc: True
    return _either(tests)


def may_match(pattern: str, flags: int, on_folded: bool) -> DocTest | None:
    """All conditions derived from ``pattern``, cheapest first (None when there are none)."""
    parsed = sre_parse.parse(pattern, flags)
    if parsed.state.flags & (re.ASCII | re.LOCALE):
        return None  # \b and \d would not be the Unicode ones the index reasoning assumes
    items = list(parsed)
    tests: list[DocTest] = []
    char = _required_char(items)
    if char is not None:
        tests.append((lambda d: char in d.folded) if on_folded else (lambda d: char in d.text))
    words = _lead_words(items)
    if words is not None:
        tests.append(lambda d: not d.plain or not words.isdisjoint(d.index.words))
    digits = _min_digits(items)
    if digits >= 2:
        tests.append(lambda d: d.digits is None or d.digits >= digits)
    start = _word_start(items)
    if start is not None:
        tests.append(
            lambda d: not d.plain or d.digits is None or start.search(d.index.spaced) is not None
        )
    pair = _adjacent_pair(items, parsed.state.flags)
    if pair is not None:
        tests.append(
            (lambda d: pair.search(d.folded) is not None)
            if on_folded
            else (lambda d: pair.search(d.text) is not None)
        )
    return _both(tests) if tests else None


# Closures rather than all()/any() over a generator: these run for every text and rule.
def _both(tests: list[DocTest]) -> DocTest:
    if len(tests) == 1:
        return tests[0]
    first, rest = tests[0], _both(tests[1:])
    return lambda doc: first(doc) and rest(doc)


def _either(tests: list[DocTest]) -> DocTest:
    if len(tests) == 1:
        return tests[0]
    first, rest = tests[0], _either(tests[1:])
    return lambda doc: first(doc) or rest(doc)


def _after_zero_width(items: list) -> tuple[int, bool]:
    """Index of the first item that consumes text, and whether a \\b precedes it."""
    bounded = False
    for i, (op, av) in enumerate(items):
        if op not in _ZERO_WIDTH:
            return i, bounded
        bounded = bounded or (op is sre.AT and av is sre.AT_BOUNDARY)
    return len(items), bounded


def _lead_words(items: list) -> frozenset[bytes] | None:
    """``\\b(?:fatturato|ricavi|...)\\b`` at the start: the words (lower-cased bytes), one of
    which is then a whole word of the text (``TextIndex.words``) when the text is ``plain``."""
    i, bounded = _after_zero_width(items)
    if i == len(items):
        return None
    op, av = items[i]
    if op is sre.SUBPATTERN and not bounded and not av[1] & (re.ASCII | re.LOCALE):
        return _lead_words(list(av[3]))  # (?i:\b(?:code|coupon)\b) ...
    after = items[i + 1] if i + 1 < len(items) else (None, None)
    if not bounded or after[0] is not sre.AT or after[1] is not sre.AT_BOUNDARY:
        return None
    strings = _strings([items[i]])
    if not strings or not all(_WORD_TEXT.fullmatch(w) for w in strings):
        return None
    return frozenset(w.lower().encode() for w in strings)


def _strings(items: list, limit: int = 256) -> set[str] | None:
    """Every string ``items`` can match, when they are few and plain (None otherwise)."""
    out = {""}
    for op, av in items:
        if op is sre.LITERAL:
            alts: set[str] | None = {chr(av)}
        elif op is sre.IN:
            alts = _class_chars(av)
        elif op is sre.SUBPATTERN and not av[1] & (re.ASCII | re.LOCALE):
            alts = _strings(list(av[3]), limit)
        elif op is sre.BRANCH:
            branches = [_strings(list(b), limit) for b in av[1]]
            alts = None if None in branches else set().union(*branches)
        elif op in _REPEATS and av[1] <= 3:
            one = _strings(list(av[2]), limit)
            alts = None if one is None else _repeated(one, av[0], av[1])
        else:
            return None
        if alts is None:
            return None
        out = {a + b for a in out for b in alts}
        if len(out) > limit:
            return None
    return out


def _repeated(strings: set[str], low: int, high: int) -> set[str]:
    out: set[str] = set()
    level = {""}
    for n in range(high + 1):
        if n >= low:
            out |= level
        level = {a + b for a in level for b in strings}
    return out


def _class_chars(av: list, ascii_ranges: bool = False) -> set[str] | None:
    """The characters of a ``[...]`` class made of single characters and ranges: small ones
    (under 16 characters), or with ``ascii_ranges`` any range within ASCII ("A-Z", "0-9")."""
    chars: set[str] = set()
    for op, arg in av:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and (arg[1] < 128 if ascii_ranges else arg[1] - arg[0] < 16):
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None  # negated classes, categories (\\d, \\w), other ranges
    return chars


def _required_char(items: list) -> str | None:
    """An ASCII character other than a letter that every match contains (such as "%")."""
    for op, av in items:
        if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1:
            op, av = av[2][0]
        if op is sre.LITERAL and av < 128 and not chr(av).isalpha():
            return chr(av)
        if op is sre.SUBPATTERN:
            inner = _required_char(list(av[3]))
            if inner is not None:
                return inner
    return None


def _min_digits(items: list) -> int:
    """How many characters every match has that ``\\d`` matches (at least)."""
    total = 0
    for op, av in items:
        if op is sre.LITERAL:
            total += chr(av) in "0123456789"
        elif op is sre.IN:
            total += av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)] or _all_digits(av)
        elif op is sre.SUBPATTERN:
            total += _min_digits(list(av[3]))
        elif op is sre.BRANCH:
            total += min(_min_digits(list(b)) for b in av[1])
        elif op in _REPEATS:
            total += av[0] * _min_digits(list(av[2]))
    return total


def _all_digits(av: list) -> bool:
    chars = _class_chars(av)
    return bool(chars) and all(ch in "0123456789" for ch in chars)


def _word_start(items: list) -> re.Pattern[bytes] | None:
    """After a leading \\b, the ASCII word characters every match opens with (``IT60`` of an
    IBAN), as a regex over ``TextIndex.spaced``: a word of a ``plain`` text starts with them,
    lower-cased (and its digits are ASCII ones when ``Doc.digits`` is counted)."""
    i, bounded = _after_zero_width(items)
    if not bounded:
        return None
    parts: list[bytes] = []
    width = 0
    for op, av in items[i:]:
        low = high = 1
        if op in _REPEATS and len(av[2]) == 1:
            low, high, (op, av) = av[0], av[1], av[2][0]
        if op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
            chars: set[str] | None = set("0123456789")
        else:
            chars = (
                {chr(av)} if op is sre.LITERAL else _class_chars(av, True) if op is sre.IN else None
            )
        if not chars or not all(_WORD_TEXT.fullmatch(ch) for ch in chars):
            break
        if low:
            lowered = "".join(sorted({ch.lower() for ch in chars}))
            parts.append(f"[{re.escape(lowered)}]{{{low}}}".encode())
            width += low
        if high != low or low == 0:
            break  # what follows may start at another offset
    return re.compile(b" " + b"".join(parts)) if width >= 4 else None


_CATEGORY_SOURCE = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}


def _adjacent_pair(items: list, flags: int) -> re.Pattern[str] | None:
    """Two single-character items that every match has next to each other (``[A-Z]\\d`` of
    ``[A-Z]{3,12}\\d{1,3}``), as a regex: it opens with a class, so ``search`` skips to
    candidates in C instead of trying each offset as a pattern opening with ``\\b`` does."""
    i, _ = _after_zero_width(items)
    sources = [_char_source(item) for item in items[i:]]
    for a, b in zip(sources, sources[1:], strict=False):
        if a is None or b is None:
            return None  # the first pair only: a repeat or a group may stand between
        return re.compile(a + b, flags & re.IGNORECASE)
    return None


def _char_source(item: tuple) -> str | None:
    """Regex source of one character that ``item`` always consumes (a class or a literal)."""
    op, av = item
    if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1:
        op, av = av[2][0]  # \\d{1,3}: its first (or last) character is a \\d
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is not sre.IN:
        return None
    parts = []
    for kind, arg in av:
        if kind is sre.NEGATE:
            parts.insert(0, "^")
        elif kind is sre.LITERAL:
            parts.append(re.escape(chr(arg)))
        elif kind is sre.RANGE:
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif kind is sre.CATEGORY and arg in _CATEGORY_SOURCE:
            parts.append(_CATEGORY_SOURCE[arg])
        else:
            return None
    return "[" + "".join(parts) + "]"
