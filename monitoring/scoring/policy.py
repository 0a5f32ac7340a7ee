"""The social-media policy (``data/policy.yaml``) and the rule engine that applies it to a post.

Rules are data: each entry of ``rules:`` names a *kind*, and each kind is a small class in
``RULE_KINDS`` with a key, a human description and a check. Text kinds (terms, regex,
promotional without disclosure, competitor, sentiment, shouting) look only at the words and
the sentiment, so the scoring pipeline runs them once per distinct text in worker processes;
context kinds (competence, channel, volume) look at who posted where, and run per item.

Pure: no DuckDB, no Streamlit. Sentiment comes in from the caller (anything with ``lang``,
``compound`` and ``label``), so the engine is testable without the sentiment models.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from re import _constants as sre  # the parsed form of a pattern, to derive its pre-checks
from re import _parser as sre_parse
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitoring.config import load_yaml_model
from monitoring.org import OrgConfig
from monitoring.scoring.risk import RiskInputs, RiskSettings, Severity, risk_parts, risk_score
from monitoring.scoring.topics import TermGate, TermMatcher, TextIndex, fold
from monitoring.scoring.validators import VALIDATORS

Lang = Literal["it", "en", "any"]
TermLists = dict[Lang, list[str]]
Evidence = tuple[str, ...]
RULE_ID = r"^[a-z0-9_][a-z0-9_.\-]*$"


class SentimentLike(Protocol):
    lang: str | None
    compound: float | None

    @property
    def label(self) -> str | None: ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex_list(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


def _nonempty_terms(value: TermLists) -> TermLists:
    if not any(value.values()):
        raise ValueError("needs at least one term")
    return value


# --- what a rule looks at ------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: a frozen init costs 0.8 µs per staff text, this 0.2
class Doc:
    """A text as the text rules see it: as written, folded, and its sentiment (read only)."""

    text: str
    folded: str
    index: TextIndex  # its words, shared by the term matchers' pre-checks
    lang: str | None
    compound: float | None

    # For the regex rules' pre-checks (see _may_match):
    plain: bool  # no character that IGNORECASE matches with an ASCII letter (İ ı ſ K)
    digits: int | None  # how many characters \\d matches in the text (None: not counted)


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_CASE_TWIN = re.compile("[\u0130\u0131\u017f\u212a]")


def _text_doc(text: str, index: TextIndex, lang: str | None, compound: float | None) -> Doc:
    """``text`` as the text rules see it (``index`` is of its folded form)."""
    folded = index.folded
    plain = text.isascii() or _CASE_TWIN.search(text) is None
    # With a plain text, every word a pattern finds in the text or its folded form is a word
    # of the index (lower-cased), which the pre-checks rely on.
    digits = None
    if folded.isascii() or not any(map(str.isdecimal, _ASCII_RUNS.sub("", folded))):
        # The text's \\d characters are ASCII digits, which the index's bytes keep.
        spaced = index.spaced
        digits = len(spaced) - len(spaced.translate(None, b"0123456789"))
    return Doc(text, folded, index, lang, compound, plain, digits)


@dataclass(frozen=True)
class Post:
    """One post to evaluate. Only ``text`` is required; the rest sharpens rules and risk."""

    text: str
    team: str | None = None
    channel: str | None = None
    kind: str = "staff"  # "staff" | "mention"
    in_reply_to: str | None = None
    author: str | None = None
    created_at: datetime | None = None
    lang_hint: str | None = None
    reach: int | None = None
    engagement: int = 0  # likes + shares + replies
    hours_observed: float | None = None
    negative_replies: int = 0
    member_posts_that_day: int | None = None
    member_daily_baseline: float | None = None  # mean posts/day over the previous 28 days


TextCheck = Callable[[Doc], Evidence]
ContextCheck = Callable[[Post, dict[str, Evidence]], Evidence]


# --- rule kinds ----------------------------------------------------------------------------


class RuleBase(_Strict):
    key: ClassVar[str]
    about: ClassVar[str]
    context: ClassVar[bool] = False  # True: needs the post's team/channel/history
    # True: no evidence unless one of the rule's term lists matches, so the engine skips the
    # rule when the shared pre-check (TermGate) rules all of them out.
    needs_terms: ClassVar[bool] = False

    id: str = Field(pattern=RULE_ID)
    category: str = Field(pattern=r"^[a-z_]+$")
    severity: Severity
    weight: float = Field(default=1.0, ge=0, le=3)
    description: str = Field(min_length=1)
    scope: Literal["all", "replies", "originals"] = "all"

    def applies_to(self, post: Post) -> bool:
        if self.scope == "replies":
            return post.in_reply_to is not None
        if self.scope == "originals":
            return post.in_reply_to is None
        return True


class TermsRule(RuleBase):
    key: ClassVar[str] = "terms"
    about: ClassVar[str] = "any of a list of words or phrases (inflections and accents included)"
    needs_terms: ClassVar[bool] = True
    kind: Literal["terms"]
    words: TermLists  # not "terms": a field named like a kind would confuse error locations
    exclude: TermLists = {}

    _check_words = field_validator("words")(_nonempty_terms)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        matcher = TermMatcher({self.id: self.words}, {self.id: self.exclude}, gate)
        return lambda doc: matcher.find(doc.text, doc.folded, doc.index).get(self.id, ())


class RegexRule(RuleBase):
    key: ClassVar[str] = "regex"
    about: ClassVar[str] = "a regular expression, each match confirmed by a validator"
    kind: Literal["regex"]
    patterns: list[str] = Field(min_length=1)
    validator: Literal["email", "phone", "iban", "codice_fiscale"] | None = None
    allow: list[str] = []  # matches that also match one of these are not hits
    case_sensitive: bool = False
    on_folded: bool = False  # match on the lower-cased, accent-free text
    needs: str = ""  # skip texts containing none of these characters (a cheap pre-check)

    _check_patterns = field_validator("patterns", "allow")(_regex_list)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        pattern = re.compile("|".join(f"(?:{p})" for p in self.patterns), flags)
        allow = re.compile("|".join(f"(?:{p})" for p in self.allow), re.I) if self.allow else None
        valid = VALIDATORS[self.validator] if self.validator else None

        # One search for any of the ``needs`` characters, in C.
        needs = re.compile(f"[{re.escape(self.needs)}]") if self.needs else None
        on_folded = self.on_folded
        may_match = _may_match_any(self.patterns, flags, on_folded)

        def check(doc: Doc) -> Evidence:
            if needs is not None and needs.search(doc.text) is None:
                return ()
            if not may_match(doc):
                return ()
            found: list[str] = []
            aligned = len(doc.folded) == len(doc.text)
            for m in pattern.finditer(doc.folded if on_folded else doc.text):
                # Evidence as written: folding keeps offsets, so the span fits the original.
                value = (doc.text[m.start() : m.end()] if aligned else m.group()).strip()
                if valid is not None:
                    value = _longest_valid(value, valid)
                    if value is None:
                        continue
                if allow is not None and allow.search(value):
                    continue
                if value not in found:
                    found.append(value)
            return tuple(found)

        return check


# --- pre-checks derived from a regular expression ----------------------------------------
# A regex rule's patterns mostly run on texts they cannot match. From a pattern's parsed form
# we derive conditions every match implies (a word from a list, a character, a number of
# digits, how a word starts, two adjacent characters) and skip the pattern when one fails. Each
# condition only skips texts without a match, so the evidence is the same.

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_WORD_TEXT = re.compile(r"[A-Za-z0-9_]+")
DocTest = Callable[[Doc], bool]


def _may_match_any(patterns: Sequence[str], flags: int, on_folded: bool) -> DocTest:
    """A test that is False only for texts none of ``patterns`` can match."""
    tests = [_may_match(p, flags, on_folded) for p in patterns]
    if not tests or any(t is None for t in tests):
        return lambda doc: True
    return _either(tests)


def _may_match(pattern: str, flags: int, on_folded: bool) -> DocTest | None:
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


def _class_chars(av: list) -> set[str] | None:
    """The characters of a ``[...]`` class made of single characters and small ranges."""
    chars: set[str] = set()
    for op, arg in av:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < 16:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None  # negated classes, categories (\\d, \\w), wide ranges
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
                {chr(av)} if op is sre.LITERAL else _wide_class_chars(av) if op is sre.IN else None
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


def _wide_class_chars(av: list) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in av:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] < 128:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return chars


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


# "n.", "nr", "#", ":" between a word and the code it introduces
_NUMBER_SIGN = re.compile(r"(?:\s*(?:\bn\.?|\bnr\.?|\bnum\.?|#|:|°))*\s*$")


def _longest_valid(value: str, valid: Callable[[str], bool]) -> str | None:
    """``value`` or its longest prefix ending at a space that passes ``valid``.

    Patterns that allow spaces inside a code ("IT60 X054 ...") may run on into the next
    word; backing off word by word finds the code itself.
    """
    while True:
        if valid(value):
            return value
        head, _, _ = value.rpartition(" ")
        if not head:
            return None
        value = head.rstrip()


class PromoDisclosureRule(RuleBase):
    key: ClassVar[str] = "promo_disclosure"
    about: ClassVar[str] = "promotional content (discount codes, promo phrases) without #adv/#ad"
    kind: Literal["promo_disclosure"]
    markers: TermLists  # one is enough ("link in bio", "codice sconto")
    weak_markers: TermLists = {}  # min_weak of them are needed ("sconto", "promo")
    min_weak: int = Field(default=2, ge=1)
    # Discount codes ("SCONTO20", "codice XYZ10") and percentages, matched as written.
    code_patterns: list[str] = []
    not_codes_after: TermLists = {}  # a code right after these words is an order/ticket number
    disclosures: TermLists

    _check_patterns = field_validator("code_patterns")(_regex_list)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        strong = TermMatcher({"m": self.markers}, gate=gate)
        weak = TermMatcher({"w": self.weak_markers}, gate=gate)
        disclosed = TermMatcher({"d": self.disclosures}, gate=gate)
        codes = re.compile("|".join(f"(?:{p})" for p in self.code_patterns or ["(?!x)x"]))
        not_after = TermMatcher({"n": self.not_codes_after})
        may_match = _may_match_any(self.code_patterns, 0, False)

        def discount_codes(doc: Doc) -> list[str]:
            if not may_match(doc):
                return []
            out = []
            for m in codes.finditer(doc.text):
                before = _NUMBER_SIGN.sub("", doc.folded[max(0, m.start() - 30) : m.start()])
                words = before.split()
                if words and not_after.find(words[-1]):
                    continue  # "ordine 4837-AB", "pratica n. AB123": a reference, not a code
                out.append(m.group().strip())
            return out

        def check(doc: Doc) -> Evidence:
            found = list(
                strong.find(doc.text, doc.folded, doc.index).get("m", ())
            ) + discount_codes(doc)
            weak_found = weak.find(doc.text, doc.folded, doc.index).get("w", ())
            if len({fold(w) for w in weak_found}) >= self.min_weak:
                found += weak_found
            if not found or disclosed.find(doc.text, doc.folded, doc.index):
                return ()
            return tuple(dict.fromkeys(found))

        return check


class CompetitorRule(RuleBase):
    key: ClassVar[str] = "competitor"
    about: ClassVar[str] = "names a competitor from org.yaml (or disparages one)"
    needs_terms: ClassVar[bool] = True
    kind: Literal["competitor"]
    mode: Literal["name", "disparage"] = "name"
    disparaging: TermLists = {}

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        lists = {c.id: {"any": [c.name, *c.aliases]} for c in org.brand.competitors}
        names = TermMatcher(lists, gate=gate)
        bad = TermMatcher({"bad": self.disparaging}, gate=gate)

        def check(doc: Doc) -> Evidence:
            found = names.find(doc.text, doc.folded, doc.index)
            if not found:
                return ()
            words = tuple(w for ws in found.values() for w in ws)
            if self.mode == "name":
                return words
            insults = bad.find(doc.text, doc.folded, doc.index).get("bad", ())
            return words + insults if insults else ()

        return check


class SentimentRule(RuleBase):
    key: ClassVar[str] = "sentiment"
    about: ClassVar[str] = "sentiment at or below a limit (hostile), unless an apology softens it"
    kind: Literal["sentiment"]
    max_compound: float = Field(default=-0.5, ge=-1, le=1)
    unless: TermLists = {}

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        softeners = TermMatcher({"u": self.unless}, gate=gate)

        def check(doc: Doc) -> Evidence:
            if doc.compound is None or doc.compound > self.max_compound:
                return ()
            if softeners.find(doc.text, doc.folded, doc.index):
                return ()
            return (f"sentiment {doc.compound:+.2f}",)

        return check


_CAPS_WORD = re.compile(r"\b[A-ZÀ-Ý]{2,}\b")
_TWO_CAPS = re.compile(r"[A-ZÀ-Ý]{2}")
_LETTER = re.compile(r"[^\W\d_]")


class ShoutingRule(RuleBase):
    key: ClassVar[str] = "shouting"
    about: ClassVar[str] = "shouting: a run of words in capitals, or !!!"
    kind: Literal["shouting"]
    min_caps_words: int = Field(default=3, ge=1)
    min_caps_share: float = Field(default=0.7, gt=0, le=1)
    min_letters: int = Field(default=12, ge=1)
    exclamations: int = Field(default=3, ge=2)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        bangs = re.compile(rf"[!?]*!{{{self.exclamations},}}[!?]*|[!?]{{{self.exclamations + 1},}}")
        # Every match of ``bangs`` holds a run of ``exclamations`` characters of [!?], and every
        # capitals word two capitals in a row. These searches open with a character class, so
        # re skips to candidates in C (1 µs per post) instead of trying each offset (2-5 µs).
        some_bangs = re.compile(rf"[!?]{{{self.exclamations}}}")
        # Most posts have neither: one scan for both. It opens with one class (of both first
        # characters), so re skips in C; "a|b" would try both alternatives at every offset.
        n = self.exclamations - 1
        either = re.compile(rf"[!?A-ZÀ-Ý](?:(?<=[!?])[!?]{{{n}}}|(?<=[A-ZÀ-Ý])[A-ZÀ-Ý])")

        def check(doc: Doc) -> Evidence:
            text = doc.text
            if either.search(text) is None:
                return ()
            found: list[str] = []
            if some_bangs.search(text):
                found = [m.group() for m in bangs.finditer(text)][:1]
            if not _TWO_CAPS.search(text):
                return tuple(found)
            caps = _CAPS_WORD.findall(text)
            if len(caps) < self.min_caps_words:
                return tuple(found)  # most posts: no need to count every letter
            letters = _LETTER.findall(text)
            upper = sum(1 for ch in letters if ch.isupper())
            if len(letters) >= self.min_letters and upper / len(letters) >= self.min_caps_share:
                found.append(" ".join(caps[:6]))
            return tuple(found)

        return check


class CompetenceRule(RuleBase):
    key: ClassVar[str] = "competence"
    about: ClassVar[str] = "the post's topics are outside its team's competences"
    context: ClassVar[bool] = True
    kind: Literal["competence"]
    # "only_outside": every topic of the post is outside the competences (an HR job ad for
    # store staff names the stores topic but is about careers); "any_outside": one is enough.
    mode: Literal["only_outside", "any_outside"] = "only_outside"

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        competences = {t.id: set(t.competences) for t in org.teams}

        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            allowed = competences.get(post.team or "")
            if not allowed:  # unknown team, or a team without declared competences
                return ()
            if self.mode == "only_outside" and any(topic in allowed for topic in topics):
                return ()
            return tuple(
                f"{topic}: {', '.join(words)}"
                for topic, words in topics.items()
                if topic not in allowed
            )

        return check


class ChannelRule(RuleBase):
    key: ClassVar[str] = "channel"
    about: ClassVar[str] = "posted on a channel not assigned to the team"
    context: ClassVar[bool] = True
    kind: Literal["channel"]

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        channels = {t.id: set(t.channels) for t in org.teams}

        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            allowed = channels.get(post.team or "")
            if allowed is None or not post.channel or post.channel in allowed:
                return ()
            return (post.channel,)

        return check


class VolumeRule(RuleBase):
    key: ClassVar[str] = "volume"
    about: ClassVar[str] = "a member posting far above their own daily baseline"
    context: ClassVar[bool] = True
    kind: Literal["volume"]
    factor: float = Field(default=3.0, gt=1)
    min_posts: int = Field(default=8, ge=1)
    baseline_floor: float = Field(default=1.0, gt=0)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            count = post.member_posts_that_day
            if count is None or post.member_daily_baseline is None:
                return ()  # no history (e.g. `check` on one post): the rule cannot judge
            baseline = max(post.member_daily_baseline, self.baseline_floor)
            if count < self.min_posts or count < self.factor * baseline:
                return ()
            return (f"{count} posts that day vs {post.member_daily_baseline:.1f}/day usually",)

        return check


RULE_KINDS: tuple[type[RuleBase], ...] = (
    TermsRule,
    RegexRule,
    PromoDisclosureRule,
    CompetitorRule,
    SentimentRule,
    ShoutingRule,
    CompetenceRule,
    ChannelRule,
    VolumeRule,
)
Rule = Annotated[
    TermsRule
    | RegexRule
    | PromoDisclosureRule
    | CompetitorRule
    | SentimentRule
    | ShoutingRule
    | CompetenceRule
    | ChannelRule
    | VolumeRule,
    Field(discriminator="kind"),
]


# --- the policy file -----------------------------------------------------------------------


class Topic(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: dict[Literal["it", "en"], str] = {}
    keywords: TermLists
    exclude: TermLists = {}

    _check_keywords = field_validator("keywords")(_nonempty_terms)


class PolicyConfig(_Strict):
    version: str = Field(min_length=1)
    risk: RiskSettings = RiskSettings()
    topics: list[Topic] = []
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> PolicyConfig:
        for what, ids in (
            ("topic", [t.id for t in self.topics]),
            ("rule", [r.id for r in self.rules]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id {dupes[0]!r}")
        return self


def load_policy(path: str | Path) -> PolicyConfig:
    """Read and validate policy.yaml; errors name file, line and field (``ConfigError``)."""
    return load_yaml_model(path, PolicyConfig)


def policy_version(policy: PolicyConfig, org: OrgConfig) -> str:
    """``version`` plus a hash of what the rules read: the policy and org's competitors/teams.

    Editing a keyword, a weight or a team's competences changes the hash, so ``score``
    rescores; comments and formatting do not.
    """
    content = {
        "policy": policy.model_dump(mode="json"),
        "competitors": [c.model_dump(mode="json") for c in org.brand.competitors],
        "teams": {t.id: [t.channels, t.competences] for t in org.teams},
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:10]
    return f"{policy.version}+{digest}"


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    rule: str
    category: str
    severity: str
    weight: float
    evidence: Evidence

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class TextFacts:
    """What depends on the text alone: computed once per distinct text (picklable)."""

    lang: str | None
    compound: float | None
    label: str | None
    topics: tuple[tuple[str, Evidence], ...]
    text_hits: tuple[tuple[int, Evidence], ...]  # (index into policy.rules, evidence)


@dataclass(frozen=True)
class Evaluation:
    lang: str | None
    compound: float | None
    label: str | None
    topics: tuple[str, ...]
    hits: tuple[Hit, ...]
    risk: float
    flagged: bool
    explanation: dict[str, Any] = field(default_factory=dict)


class PolicyEngine:
    """A policy compiled against an organization; reuse it for many posts."""

    def __init__(self, policy: PolicyConfig, org: OrgConfig):
        self.policy = policy
        self.org = org
        self.version = policy_version(policy, org)
        self._topics = TermMatcher(
            {t.id: t.keywords for t in policy.topics}, {t.id: t.exclude for t in policy.topics}
        )
        # The text rules' term matchers share one pre-check per text (see TermGate).
        self._gate = TermGate()
        # (index, gate bits of its term lists or None: always run, check)
        self._text: list[tuple[int, int | None, TextCheck]] = []
        self._context: list[tuple[int, ContextCheck]] = []
        for index, rule in enumerate(policy.rules):
            mark = self._gate.mark()
            check = rule.compile(org, self._gate)
            if rule.context:
                self._context.append((index, check))
            else:
                bits = self._gate.bits_since(mark) if rule.needs_terms else None
                self._text.append((index, bits, check))
        self._gate.seal()

    def analyze_text(
        self, text: str, sentiment: SentimentLike, with_rules: bool = True
    ) -> TextFacts:
        """Topics and text-rule evidence of ``text``; ``with_rules=False`` for mentions."""
        folded = fold(text)
        index = TextIndex(folded, self._gate if with_rules else None)
        topics = tuple(self._topics.find(text, folded, index).items())
        hits = ()
        if with_rules:
            doc = _text_doc(text, index, sentiment.lang, sentiment.compound)
            live = index.live
            hits = tuple(
                (i, ev)
                for i, bits, check in self._text
                if (bits is None or bits & live) and (ev := check(doc))
            )
        return TextFacts(sentiment.lang, sentiment.compound, sentiment.label, topics, hits)

    def topic_ids(self, text: str) -> tuple[str, ...]:
        """The ids of ``text``'s topics, in order of appearance (a mention's: no evidence kept,
        no rules run)."""
        folded = fold(text)
        return tuple(self._topics.find(text, folded, TextIndex(folded)))

    def finish(self, post: Post, facts: TextFacts) -> Evaluation:
        """Add the context rules and the risk to a text's facts for one particular post."""
        rules = self.policy.rules
        topics = dict(facts.topics)
        hits: list[Hit] = []
        if post.kind == "staff":
            found = list(facts.text_hits)
            found += [(i, ev) for i, check in self._context if (ev := check(post, topics))]
            found.sort()
            for index, evidence in found:
                rule = rules[index]
                if rule.applies_to(post):
                    hits.append(Hit(rule.id, rule.category, rule.severity, rule.weight, evidence))
        settings = self.policy.risk
        parts = risk_parts(
            RiskInputs(
                kind=post.kind,
                severities=tuple((h.severity, h.weight) for h in hits),
                compound=facts.compound,
                reach=post.reach,
                negative_replies=post.negative_replies,
                engagement=post.engagement,
                hours_observed=post.hours_observed,
            ),
            settings,
        )
        risk = risk_score(parts)
        flagged = post.kind == "staff" and (
            risk >= settings.threshold or any(h.severity == "high" for h in hits)
        )
        return Evaluation(
            lang=facts.lang,
            compound=facts.compound,
            label=facts.label,
            topics=tuple(topics),
            hits=tuple(hits),
            risk=risk,
            flagged=flagged,
            explanation=parts,
        )

    def evaluate(self, post: Post, sentiment: SentimentLike) -> Evaluation:
        facts = self.analyze_text(post.text, sentiment, with_rules=post.kind == "staff")
        return self.finish(post, facts)


_ENGINES: dict[tuple[int, int], tuple[PolicyConfig, OrgConfig, PolicyEngine]] = {}


def evaluate(
    post: Post, policy: PolicyConfig, org: OrgConfig, sentiment: SentimentLike
) -> Evaluation:
    """Evaluate one post (the engine for ``policy``/``org`` is compiled once and cached)."""
    key = (id(policy), id(org))
    cached = _ENGINES.get(key)
    if cached is None or cached[0] is not policy or cached[1] is not org:
        if len(_ENGINES) > 8:
            _ENGINES.clear()
        cached = (policy, org, PolicyEngine(policy, org))
        _ENGINES[key] = cached
    return cached[2].evaluate(post, sentiment)
