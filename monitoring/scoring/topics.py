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

from ahocorasick import Automaton

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


def _italian_word(word: str) -> tuple[str, tuple[str, ...], str]:
    """(regex source, every form it matches, the literal prefix every match starts with)."""
    # Final vowel alternates with gender/number: -o/-a/-i/-e; -co/-go plural may add an "h".
    if len(word) >= 4 and word[-1] in "aeio" and word[-2].isalpha():
        stem = word[:-1]
        if word[-2] in "cg":
            forms = tuple(stem + v for v in "aeio") + tuple(stem + "h" + v for v in "aeio")
            return re.escape(stem) + "h?[aeio]", forms, stem
        return re.escape(stem) + "[aeio]", tuple(stem + v for v in "aeio"), stem
    return re.escape(word), (word,), word


def _english_word(word: str) -> tuple[str, tuple[str, ...], str]:
    """(regex source, every form it matches, the literal prefix every match starts with)."""
    if len(word) < 3 or not word.isalpha():
        return re.escape(word), (word,), word
    if word.endswith("y") and word[-2] not in "aeiou":
        stem = word[:-1]
        return re.escape(stem) + "(?:y|ies|ied)", (word, stem + "ies", stem + "ied"), stem
    if word.endswith("e"):
        stem = word[:-1]
        endings = ("e", "es", "ed", "ing")
        return re.escape(stem) + "(?:e|es|ed|ing)", tuple(stem + e for e in endings), stem
    endings = ("", "s", "es", "ed", "ing")
    return re.escape(word) + "(?:s|es|ed|ing)?", tuple(word + e for e in endings), word


def _inflected(word: str, lang: str | None) -> tuple[str, tuple[str, ...], str]:
    if lang == "it":
        return _italian_word(word)
    if lang == "en":
        return _english_word(word)
    return re.escape(word), (word,), word


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
    else:
        parts.append(_inflected(last, lang)[0])
    return start + r"\s+".join(parts) + _AFTER


_LEAD = re.compile(r"\w+")


def _term_anchor(term: str, lang: str | None) -> tuple[str, str | tuple[str, ...]]:
    """What must be in a folded text at the position where ``term`` matches (the pre-check of
    ``TermMatcher``; it follows ``term_pattern`` case by case):

    - ``("words", forms)``: the word that starts there (a maximal run of ``\\w``) is one of
      ``forms``;
    - ``("stem", stem)``: that word starts with ``stem``;
    - ``("literal", text)``: the text there starts with ``text`` (terms that open with a
      symbol, such as "#adv" or an emoji).
    """
    folded = fold(term.strip())
    prefix = folded.endswith("*")
    words = folded.rstrip("*").split()
    first = words[0]
    single = len(words) == 1
    inflects = single and not prefix and first[-1].isalnum()
    lead = _LEAD.match(first)
    if lead is None:  # a symbol first: the literal part of the first word
        return "literal", _inflected(first, lang)[2] if inflects else first
    if lead.group() != first or not single:
        # A phrase's first word is literal and ends at a space; a word with a symbol inside
        # ("rip-off", "l'app", "100%") starts with its leading run of word characters.
        return "words", (lead.group(),)
    if inflects:
        return "words", _inflected(first, lang)[1]
    return "stem", first  # "rinnovabil*" (or a literal ending in "_")


Terms = Mapping[str, Iterable[str]]  # language ("it", "en", "any") -> terms

# Where a term may start: a word (optionally after # or @) or any other non-space symbol.
# Written so that a match consumes the whole word: one attempt per word, not per character
# (the same starts as r"(?<![\w#@])[#@]?\w|[^\w\s]": "#" and "@" are symbols themselves).
_STARTS = re.compile(r"[^\w\s]|(?<![\w#@])\w+")

# Every ASCII byte but letters, digits and "_" to a space: what is left splits into the runs
# of word characters (see TextIndex).
_WORD_BYTES = bytes(c if chr(c).isalnum() or c == ord("_") else ord(" ") for c in range(256))


def token_starts(folded: str) -> list[int]:
    """Offsets in ``folded`` where a term may begin."""
    return [m.start() for m in _STARTS.finditer(folded)]


class TextIndex:
    """The ASCII words of a folded text, computed once per text and shared by the checks that
    read it (``TermGate.live``, the text rules' pre-checks).

    A word is a run of ASCII letters, digits and "_"; any other character (punctuation, spaces,
    emoji, accented letters that ``fold`` kept) separates words. Bytes, because encoding,
    ``bytes.translate`` and ``split`` run in C about five times faster than a regex.

    With a ``gate``, ``live`` tells which of the gate's matchers can match the text at all.
    """

    __slots__ = ("folded", "spaced", "words", "gate", "live")

    def __init__(self, folded: str, gate: TermGate | None = None):
        self.folded = folded
        # One byte per character ("?" for the others), so the words are where they were; the
        # leading space puts one before every word, the first too.
        self.spaced = b" " + folded.encode("ascii", "replace").translate(_WORD_BYTES)
        self.words = set(self.spaced.split())
        self.gate = gate
        self.live = gate.live(folded, self.words, self.spaced) if gate is not None else -1


def _is_start(folded: str, at: int) -> bool:
    # A word character opens a token unless a word character, "#" or "@" precedes it (_STARTS).
    return at == 0 or not (folded[at - 1].isalnum() or folded[at - 1] in "_#@")


class TermMatcher:
    """Finds which of several named term lists occur in a text, with the words that matched.

    Speed: terms are bucketed by their first two characters, and only the bucket of a token
    start is tried. Which starts to try comes from a pre-check: a term can only match where
    one of its anchors is written, at a token start: one of its forms (``bolletta``,
    ``bollette``...), its stem (``rinnovabil*``) or its literal opening (``#adv``). One
    Aho-Corasick pass (pyahocorasick, in C) finds every anchor in the text; most texts have
    none for most matchers, and those that have one try one or two starts instead of every
    word. The starts tried are the token starts minus those where no term can match, so the
    result is the same as trying every one (tests/test_topics.py checks it).

    :param groups: key -> {language: terms}; the key is a topic or rule id.
    :param exclude: key -> {language: terms} whose matches are blanked out first (for example
        ``offerta di lavoro`` must not count as the ``offers`` topic).
    """

    def __init__(
        self,
        groups: Mapping[str, Terms],
        exclude: Mapping[str, Terms] | None = None,
        gate: TermGate | None = None,
    ):
        self.keys = list(groups)
        buckets: dict[str, list[tuple[int, str]]] = {}
        forms: set[str] = set()
        stems: set[str] = set()
        literals: set[str] = set()
        for index, terms in enumerate(groups.values()):
            for lang, items in terms.items():
                for term in items:
                    folded = " ".join(fold(term.strip()).split())
                    buckets.setdefault(folded[:2], []).append((index, term_pattern(term, lang)))
                    kind, anchor = _term_anchor(term, lang)
                    if kind == "words":
                        forms.update(anchor)
                    elif kind == "stem":
                        stems.add(anchor)
                    else:
                        literals.add(anchor)
        self._buckets = {head: _compile_bucket(entries) for head, entries in buckets.items()}
        self._key_of = {
            name: self.keys[int(name[1:].partition("_")[0])]
            for pattern in self._buckets.values()
            for name in pattern.groupindex
        }
        self._exclude = {
            key: (re.compile("|".join(_sources(terms))), tuple(_required_texts(terms)))
            for key, terms in (exclude or {}).items()
            if list(_sources(terms))
        }
        self._anchors = _anchor_automaton(forms, stems, literals)
        self._gate = gate
        self._bit = gate.add(groups.values()) if gate is not None and self._buckets else 0

    def find(
        self, text: str, folded: str | None = None, index: TextIndex | None = None
    ) -> dict[str, tuple[str, ...]]:
        """Key -> distinct matched words (as written in ``text``), in order of appearance.

        :param folded: ``fold(text)``, when the caller shares it between matchers of one text;
        :param index: ``TextIndex(folded, gate)``, whose gate bits let a matcher that cannot
            match the text return at once.
        """
        if not self._buckets:
            return {}
        if self._bit and index is not None and index.gate is self._gate:
            if not index.live & self._bit:
                return {}  # the shared pre-check: no term of this matcher is in the text
        folded = fold(text) if folded is None else folded
        starts = self._candidate_starts(folded)
        if not starts:
            return {}
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
            key = self._key_of[m.lastgroup]
            exclude = self._exclude.get(key)
            if exclude is not None and _inside_exclusion(*exclude, folded, m.start(), m.end()):
                continue
            covered = m.end()
            word = text[m.start() : m.end()] if aligned else m.group()
            words = found.setdefault(key, [])
            if word not in words:
                words.append(word)
        return {key: tuple(words) for key, words in found.items()}

    def _candidate_starts(self, folded: str) -> list[int]:
        """Token starts of ``folded`` where a term of this matcher may match, in order: where
        one of the terms' anchors is written (one pass of the automaton, in C), at a token
        start (a word's first character, or any symbol for an anchor that opens with one)."""
        starts = set()
        for end, (length, symbol) in self._anchors.iter(folded):
            at = end - length + 1
            if symbol or _is_start(folded, at):
                starts.add(at)
        return sorted(starts)


def _anchor_automaton(forms: set[str], stems: set[str], literals: set[str]) -> Automaton:
    """An Aho-Corasick automaton of the anchors (``_term_anchor``); each value is the anchor's
    length and whether it opens with a symbol (a literal) rather than a word character."""
    automaton = Automaton()
    for anchor in forms | stems:
        automaton.add_word(anchor, (len(anchor), False))
    for anchor in literals:
        automaton.add_word(anchor, (len(anchor), True))
    automaton.make_automaton()
    return automaton


class TermGate:
    """One pre-check for all the term matchers of an engine: which of them can match a text.

    Each term contributes one condition that every match of it satisfies, the rarest one we
    can tell: a whole word of it ("colpa" for "è colpa sua", not "e"), one of the forms of its
    inflected last word, a word prefix ("rinnovabil*") or, failing those, ``TermMatcher``'s own
    anchor (a literal such as "🙄"). ``live`` tests every condition of every matcher in a few
    C-level operations per text (a set intersection, one regex over the words), so a matcher
    none of whose terms can be there returns at once instead of running its own pre-check.

    Matchers register while the engine is built (``TermMatcher(..., gate=)``); ``seal`` (or
    the first ``live``) ends that.
    """

    def __init__(self) -> None:
        self._conditions: list[tuple[int, str, tuple[str, ...] | str, tuple[str, ...]]] = []
        self._count = 0
        self._sealed = False
        self._always = 0  # matchers with a term no condition covers: always live
        self._word_bits: dict[bytes, int] = {}
        self._word_needs: dict[bytes, list[tuple[frozenset[bytes], int]]] = {}
        self._words: frozenset[bytes] = frozenset()
        self._stems: re.Pattern[bytes] | None = None
        self._stem_bits: dict[bytes, int] = {}
        self._literals: tuple[tuple[str, int], ...] = ()

    def add(self, groups: Iterable[Terms]) -> int:
        """Register a matcher's terms; returns its bit in ``TextIndex.live``."""
        if self._sealed:
            raise RuntimeError("TermGate: matchers must be added before it is sealed")
        self._count += 1
        bit = 1 << self._count
        for terms in groups:
            for lang, items in terms.items():
                for term in items:
                    self._conditions.append((bit, *_gate_condition(term, lang)))
        return bit

    def mark(self) -> int:
        """How many matchers have registered (for ``bits_since``)."""
        return self._count

    def bits_since(self, mark: int) -> int:
        """The bits of the matchers registered after ``mark``."""
        return sum(1 << n for n in range(mark + 1, self._count + 1))

    def seal(self) -> None:
        """Build the lookup structures; ``add`` is refused afterwards. Everything is built
        before it is published, so threads sharing an engine never see half of it."""
        word_bits: dict[bytes, int] = {}
        word_needs: dict[bytes, list[tuple[frozenset[bytes], int]]] = {}
        stems: dict[bytes, int] = {}
        literals: dict[str, int] = {}
        always = 0
        for bit, kind, value, also in self._conditions:
            if kind == "words" and all(_is_word(w) for w in value):
                for w in value:
                    if also:  # "dimezza la bolletta": "bolletta", if "dimezza" and "la" too
                        needs = frozenset(a.encode() for a in also)
                        word_needs.setdefault(w.encode(), []).append((needs, bit))
                    else:
                        word_bits[w.encode()] = word_bits.get(w.encode(), 0) | bit
            elif kind == "stem" and _is_word(value):
                stems[value.encode()] = stems.get(value.encode(), 0) | bit
            elif kind in ("stem", "literal"):
                literals[value] = literals.get(value, 0) | bit  # a substring of the text
            else:
                always |= bit  # a non-ASCII word: the index cannot see it
        if stems:
            # At a word start the regex reports the longest stem there; every other stem there
            # is a prefix of it, so its bits include theirs.
            self._stems = _word_start_regex(list(stems))
            self._stem_bits = {
                s: _or(bits for t, bits in stems.items() if s.startswith(t)) for s in stems
            }
        self._word_bits, self._word_needs = word_bits, word_needs
        self._words = frozenset(word_bits).union(word_needs)
        self._literals, self._always = tuple(literals.items()), always
        self._sealed = True

    def live(self, folded: str, words: set[bytes], spaced: bytes) -> int:
        """Bits of the matchers that may match ``folded`` (``TextIndex`` calls this; ``words``
        and ``spaced`` are its words and its spaced bytes)."""
        if not self._sealed:
            self.seal()
        live = self._always
        if not self._words.isdisjoint(words):
            for word in self._words.intersection(words):
                live |= self._word_bits.get(word, 0)
                for needs, bit in self._word_needs.get(word, ()):
                    if needs.issubset(words):
                        live |= bit
        if self._stems is not None:
            # A stem matches at a word start, where the spaced bytes have a word after a space.
            for stem in self._stems.findall(spaced):
                live |= self._stem_bits[stem]
        for literal, bits in self._literals:
            if literal in folded:
                live |= bits
        return live


def _word_start_regex(stems: list[bytes]) -> re.Pattern[bytes]:
    """The longest of ``stems`` that opens a word of ``TextIndex.spaced`` (after its space),
    as group 1."""
    return re.compile(b" (" + _trie(stems) + b")")


def _trie(words: list[bytes]) -> bytes:
    """Regex source matching the longest of ``words`` at a position: alternatives by first
    byte, nested, so re tries one branch per byte instead of every word (0.8 vs 1.4 µs)."""
    heads: dict[bytes, list[bytes]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    alternatives = []
    for head, rests in sorted(heads.items()):
        longer = [rest for rest in rests if rest]
        source = re.escape(head)
        if longer:  # greedy "?": the longer words first, then the word that ends here
            source += b"(?:" + _trie(longer) + b")" + (b"?" if b"" in rests else b"")
        alternatives.append(source)
    return b"|".join(alternatives)


def _or(values: Iterable[int]) -> int:
    out = 0
    for value in values:
        out |= value
    return out


_ASCII_WORD = re.compile(r"[a-z0-9_]+")


def _is_word(text: str) -> bool:
    return _ASCII_WORD.fullmatch(text) is not None


def _gate_condition(
    term: str, lang: str | None
) -> tuple[str, tuple[str, ...] | str, tuple[str, ...]]:
    """The condition every match of ``term`` meets, its most selective part first
    (``TermGate``), and the other whole words of the term, which must be words too:

    - ``("words", forms, also)``: one of ``forms`` is a word of the text (``TextIndex.words``);
    - ``("stem", stem, also)``: a word of the text starts with ``stem``;
    - ``("literal", text, ())``: ``text`` is in the folded text.

    A run of ASCII word characters of the term is a whole word of any text it matches when
    something the pattern fixes closes it on both sides: a space or symbol of the term, the
    pattern's word boundary at the start (``_BEFORE``) or its word end (``_AFTER``), which the
    index also sees (it splits at every other character). The inflected last word contributes
    its forms; a trailing ``*`` makes the last run a prefix.
    """
    folded = fold(term.strip())
    prefix = folded.endswith("*")
    words = folded.rstrip("*").split()
    phrase = " ".join(words)
    last = words[-1]
    closed_start = words[0][0].isalnum() or words[0][0] in "#@"  # as term_pattern's _BEFORE
    closed_end = not prefix and last[-1].isalnum()  # as term_pattern's _AFTER
    forms = _inflected(last, lang)[1] if closed_end else (last,)
    best: tuple[int, str, tuple[str, ...] | str] | None = None
    whole: list[str] = []  # runs that are whole words of every match
    for m in _ASCII_WORD.finditer(phrase):
        if m.start() == 0 and not closed_start:
            continue  # "_x": the text may have word characters before it
        run = m.group()
        if m.end() < len(phrase):
            candidate = (len(run), "words", (run,))
            whole.append(run)
        elif prefix:
            candidate = (len(run) - 1, "stem", run)  # a word prefix costs a regex, not a set
        elif not closed_end:
            continue
        else:
            # The inflected endings are letters, so each form's last run is the run as written.
            lead = len(phrase) - len(last)
            tails = tuple(dict.fromkeys(f[m.start() - lead :] for f in forms))
            if not all(_is_word(t) for t in tails):
                continue
            candidate = (min(map(len, tails)), "words", tails)
        if best is None or candidate[0] > best[0]:
            best = candidate
    if best is not None:
        also = tuple(w for w in dict.fromkeys(whole) if best[2] != (w,))
        return best[1], best[2], also
    kind, anchor = _term_anchor(term, lang)  # TermMatcher's own pre-check for this term
    if kind == "words":
        return "words", tuple(anchor), ()
    return kind, anchor if isinstance(anchor, str) else anchor[0], ()


def _sources(terms: Terms) -> Iterable[str]:
    for lang, items in terms.items():
        for term in items:
            yield term_pattern(term, lang)


def _compile_bucket(entries: list[tuple[int, str]]) -> re.Pattern[str]:
    # Longest pattern first across all keys, so "offerta di lavoro" (careers) is tried before
    # "offerta" (offers) at the same position. Group "g<key>_<n>" tells which key matched.
    ordered = sorted(entries, key=lambda entry: len(entry[1]), reverse=True)
    return re.compile("|".join(f"(?P<g{i}_{n}>{src})" for n, (i, src) in enumerate(ordered)))


def _required_texts(terms: Terms) -> Iterable[str]:
    """Per term, a piece of text every match of it contains: the literal part of its last word
    (an exclusion phrase such as "offerta di lavoro" opens with the excluded match itself)."""
    for lang, items in terms.items():
        for term in items:
            folded = fold(term.strip())
            words = folded.rstrip("*").split()
            last = words[-1]
            if not folded.endswith("*") and last[-1].isalnum():
                last = _inflected(last, lang)[2]  # the part before the inflected ending
            yield last


def _inside_exclusion(
    pattern: re.Pattern[str], required: tuple[str, ...], folded: str, start: int, end: int
) -> bool:
    # Look a little around the match: an exclusion phrase contains the matched word. A window
    # without the literal part of any exclusion term cannot hold one (most windows).
    lo, hi = max(0, start - 40), min(len(folded), end + 40)
    window = folded[lo:hi]
    if not any(text in window for text in required):
        return False
    return any(m.start() + lo <= start and end <= m.end() + lo for m in pattern.finditer(window))
