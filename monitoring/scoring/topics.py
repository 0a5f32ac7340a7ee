"""Keyword matching for topics and term-list rules: word boundaries, case- and accent-insensitive,
inflection-aware.

Inflection uses stem patterns rather than a lemmatizer on every token (a lemmatizer per token
would cost more than the sentiment model itself on a million posts): an Italian keyword matches
its gender/number forms (``bolletta`` -> ``bollette``; ``tecnico`` -> ``tecnici``, ``banco`` ->
``banchi``), an English one its ``-s/-es/-ed/-ing`` forms, and a keyword ending in ``*`` matches
every word that starts with it (``rinnovabil*``). Keywords of all languages apply to every
post: short social posts are where language detection errs, and the lists rarely collide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# One-to-one folding table: the folded text keeps the original's length, so a match's span
# also points at the original words (evidence is shown as the author wrote it).
# Tabs and line breaks become spaces, so a two-character bucket key needs no clean-up.
_ACCENTED = "àáâäãåèéêëìíîïòóôöõùúûüçñ’‘`´\t\n\r"
_PLAIN = "aaaaaaeeeeiiiiooooouuuucn''''   "
_FOLD_MAP = dict(zip(_ACCENTED, _PLAIN, strict=True))
_FOLD_KEYS = frozenset(_FOLD_MAP)

# Word characters for the boundaries below: letters, digits, "_" plus "#"/"@" so that "#ad"
# does not match inside "#adventure" and "ad" does not match the "ad" of "#ad".
_BEFORE = r"(?<![\w#@])"
_AFTER = r"(?![\w])"


def fold(text: str) -> str:
    """Lower-case and strip the accents of ``text`` (same length as the input in practice)."""
    lowered = text.lower()
    if lowered.isascii() and "\n" not in lowered and "\t" not in lowered and "\r" not in lowered:
        return lowered  # the common case
    # A post holds one or two of these characters: replacing each is 4x faster than
    # str.translate, which walks every character of a non-ASCII string in Python's slow path.
    for char in _FOLD_KEYS.intersection(lowered):
        lowered = lowered.replace(char, _FOLD_MAP[char])
    return lowered


def _italian_word(word: str) -> str:
    # Final vowel alternates with gender/number: -o/-a/-i/-e; -co/-go plural may add an "h".
    if len(word) >= 4 and word[-1] in "aeio" and word[-2].isalpha():
        stem = re.escape(word[:-1])
        if word[-2] in "cg":
            return stem + "h?[aeio]"
        return stem + "[aeio]"
    return re.escape(word)


def _english_word(word: str) -> str:
    if len(word) < 3 or not word.isalpha():
        return re.escape(word)
    if word.endswith("y") and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + "(?:y|ies|ied)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + "(?:e|es|ed|ing)"
    return re.escape(word) + "(?:s|es|ed|ing)?"


def term_pattern(term: str, lang: str | None = None) -> str:
    """Regex source (for folded text) matching ``term`` and its inflected forms in ``lang``.

    A trailing ``*`` makes the last word a prefix. Multi-word terms allow any run of spaces.
    Only the last word of a phrase inflects (``energia verde`` keeps ``energia`` as written,
    but a trailing-``*`` form covers the cases that need more).
    """
    folded = fold(term.strip())
    prefix = folded.endswith("*")
    words = folded.rstrip("*").split()
    if not words:
        raise ValueError("empty term")
    parts = [re.escape(w) for w in words[:-1]]
    last = words[-1]
    start = _BEFORE if words[0][0].isalnum() or words[0][0] in "#@" else ""
    if prefix:
        parts.append(re.escape(last) + r"\w*")
    elif not last[-1].isalnum():
        parts.append(re.escape(last))  # "100%", "!!!": no inflection, no word end needed
        return start + r"\s+".join(parts)
    elif lang == "it":
        parts.append(_italian_word(last))
    elif lang == "en":
        parts.append(_english_word(last))
    else:
        parts.append(re.escape(last))
    return start + r"\s+".join(parts) + _AFTER


Terms = Mapping[str, Iterable[str]]  # language ("it", "en", "any") -> terms

# Where a term may start: a word (optionally after # or @) or any other non-space symbol.
# Written so that a match consumes the whole word: one attempt per word, not per character
# (the same starts as r"(?<![\w#@])[#@]?\w|[^\w\s]": "#" and "@" are symbols themselves).
_STARTS = re.compile(r"[^\w\s]|(?<![\w#@])\w+")


def token_starts(folded: str) -> list[int]:
    """Offsets in ``folded`` where a term may begin; share them between matchers of one text."""
    return [m.start() for m in _STARTS.finditer(folded)]


class TermMatcher:
    """Finds which of several named term lists occur in a text, with the words that matched.

    Speed: instead of one alternation tried at every offset, terms are bucketed by their first
    two characters and only the bucket of each word start is tried (about 20 per post).

    :param groups: key -> {language: terms}; the key is a topic or rule id.
    :param exclude: key -> {language: terms} whose matches are blanked out first (for example
        ``offerta di lavoro`` must not count as the ``offers`` topic).
    """

    def __init__(self, groups: Mapping[str, Terms], exclude: Mapping[str, Terms] | None = None):
        self.keys = list(groups)
        buckets: dict[str, list[tuple[int, str]]] = {}
        for index, terms in enumerate(groups.values()):
            for lang, items in terms.items():
                for term in items:
                    folded = " ".join(fold(term.strip()).split())
                    buckets.setdefault(folded[:2], []).append((index, term_pattern(term, lang)))
        self._buckets = {head: _compile_bucket(entries) for head, entries in buckets.items()}
        self._exclude = {
            key: re.compile("|".join(_sources(terms)))
            for key, terms in (exclude or {}).items()
            if list(_sources(terms))
        }

    def find(
        self, text: str, folded: str | None = None, starts: list[int] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """Key -> distinct matched words (as written in ``text``), in order of appearance."""
        if not self._buckets:
            return {}
        folded = fold(text) if folded is None else folded
        starts = token_starts(folded) if starts is None else starts
        aligned = len(folded) == len(text)
        found: dict[str, list[str]] = {}
        buckets = self._buckets
        covered = 0  # end of the last match: "è colpa sua" is not also reported as "colpa sua"
        for start in starts:
            if start < covered:
                continue
            # Two-character bucket, then the bucket of one-character terms ("🙄").
            pattern = buckets.get(folded[start : start + 2])
            m = pattern.match(folded, start) if pattern is not None else None
            if m is None:
                pattern = buckets.get(folded[start])
                m = pattern.match(folded, start) if pattern is not None else None
                if m is None:
                    continue
            key = self.keys[int(m.lastgroup[1:].partition("_")[0])]
            exclude = self._exclude.get(key)
            if exclude is not None and _inside_exclusion(exclude, folded, m.start(), m.end()):
                continue
            covered = m.end()
            word = text[m.start() : m.end()] if aligned else m.group()
            words = found.setdefault(key, [])
            if word not in words:
                words.append(word)
        return {key: tuple(words) for key, words in found.items()}


def _sources(terms: Terms) -> Iterable[str]:
    for lang, items in terms.items():
        for term in items:
            yield term_pattern(term, lang)


def _compile_bucket(entries: list[tuple[int, str]]) -> re.Pattern[str]:
    # Longest pattern first across all keys, so "offerta di lavoro" (careers) is tried before
    # "offerta" (offers) at the same position. Group "g<key>_<n>" tells which key matched.
    ordered = sorted(entries, key=lambda entry: len(entry[1]), reverse=True)
    return re.compile("|".join(f"(?P<g{i}_{n}>{src})" for n, (i, src) in enumerate(ordered)))


def _inside_exclusion(pattern: re.Pattern[str], folded: str, start: int, end: int) -> bool:
    # Look a little around the match: an exclusion phrase contains the matched word.
    lo, hi = max(0, start - 40), min(len(folded), end + 40)
    return any(
        m.start() + lo <= start and end <= m.end() + lo for m in pattern.finditer(folded[lo:hi])
    )
