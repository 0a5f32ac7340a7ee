"""Italian rules for VADER's engine: tokenization, negation, boosters, contrast and phrases.

VADER's scoring (valence sum, punctuation emphasis, normalization: ``vader_engine.ScoringCore``)
and its capital-letter emphasis are reused as is; what is English in it (its negation and
booster word lists, the 'but' rule, the way it cuts words) is replaced here by Italian rules.
Word valences come from the lexicon the project builds with ``tools/build_it_lexicon.py`` into
``data/lexicons/it_lexicon.tsv``; see ``data/lexicons/README.md`` and
docs/decisions/0003-italian-sentiment-lexicon.md.
"""

from __future__ import annotations

import re
import string
import unicodedata
from itertools import chain, compress, count, islice
from operator import itemgetter
from pathlib import Path

import simplemma

from monitoring.scoring.vader_engine import (
    B_DECR,
    B_INCR,
    C_INCR,
    N_SCALAR,
    ChunkCache,
    ScoringCore,
    compound_of,
)

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "lexicons" / "it_lexicon.tsv"

# Italian negative concord ("non ho mai avuto nessun problema") is ONE negation, so the window
# below negates once however many of these it holds (VADER would flip the sign per word).
NEGATE = frozenset(
    "non mai nessuno nessuna nessun niente nulla né ne' neanche nemmeno neppure senza mica "
    "manco affatto nient' nessun'".split()
) | {"altro che"}  # "altro che risparmio!" = anything but savings
# "non solo ... ma anche", "non appena": not negations.
NOT_NEGATING_AFTER = {"non": frozenset({"solo", "soltanto", "appena"})}
# "poco chiaro" means unclear: poco turns a word around, but less firmly than "non"; so does
# "contro" ("una legge contro la violenza" is good news).
PARTIAL_NEGATE = frozenset({"poco", "poca", "pochi", "poche", "scarsamente", "contro"})
PARTIAL_SCALAR = -0.5

BOOSTERS: dict[str, float] = {
    w: B_INCR
    for w in (
        "molto molta molti molte troppo troppa troppi troppe davvero veramente proprio super "
        "estremamente assolutamente totalmente completamente decisamente particolarmente "
        "incredibilmente tanto tanta tanti tante così cosi cosi' parecchio assai mega iper ultra "
        "tremendamente terribilmente profondamente altamente enormemente straordinariamente "
        "più piu piu' oltremodo stramaledettamente eccessivamente infinitamente immensamente "
        "sommamente seriamente follemente pazzescamente maledettamente fortemente"
    ).split()
}
BOOSTERS.update(
    {
        w: B_DECR
        for w in (
            "abbastanza piuttosto quasi leggermente alquanto po' meno relativamente vagamente "
            "discretamente parzialmente moderatamente lievemente"
        ).split()
    }
)

# Contrast: what follows dominates (VADER's rule for "but": before x0.5, after x1.5).
CONTRAST = frozenset(
    "ma però pero' tuttavia eppure ciononostante bensì bensi' peccato purtroppo".split()
)
# "mai stato così contento": with così/tanto between them, mai intensifies (VADER's "never so").
NEVER_SO = (frozenset({"mai"}), frozenset("così cosi cosi' tanto tanta tanti tante".split()))
NEVER_SO_SCALAR = 1.25
# Praise that a complaint turns sarcastic: "Complimenti, un altro capolavoro di incompetenza".
PRAISE = frozenset(
    "grazie complimenti bravi bravo brava brave bravissimi bravissimo bravissima bravissime "
    "congratulazioni applausi evviva capolavoro geni genio".split()
) | {"ottimo lavoro", "bel lavoro", "grande lavoro", "grazie mille", "ben fatto"}
SARCASM_TRIGGER = -1.0  # the rest of the text must lean at least this negative
SARCASM_SCALAR = -0.5
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5

NEGATION_WINDOW = 4  # Italian puts clitics between "non" and the verb: "non me l'ha ridato"
BOOSTER_DECAY = (1.0, 0.95, 0.9)  # VADER's damping of boosters 1, 2, 3 words away
SUPERLATIVE_BOOST = 0.6  # -issimo on a word the lexicon knows only in its base form
MAX_VALENCE = 4.0
_CACHE_LIMIT = 100_000

_PUNCT_NO_APOSTROPHE = (string.punctuation + "«»“”‘’…–—").replace("'", "")
_CLAUSE_END = frozenset(",.;:!?…")
# Pictographs, symbols and arrows: each becomes its own token so "ottimo👍" reads as two.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2190-\u21ff\u2300-\u23ff\u2b00-\u2bff]")
# Curly quotes (U+2018/9), emoji and their modifiers all sort at or after U+200D.
_HIGH = re.compile("[\u200d-\U0010ffff]")
_EMOJI_NOISE = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")
_LAUGH = re.compile(r"a?(?:ha){2,}h?|(?:ah){2,}a?|(?:eh){2,}e?|e?(?:he){2,}h?")
_DIGIT = re.compile(r"\d")
_REPEAT3 = re.compile(r"(.)\1{2,}")
_REPEAT2 = re.compile(r"(.)\1+")
_ISSIMO = re.compile(r"^(.{3,}?)(h?)issim([oaie])$")
# "pessimo,lento" or "bello...ottimo": punctuation glued between words still ends a clause.
_GLUED = re.compile(r"(?<=[^\W\d_])([,;!?…]+|\.{2,})(?=[^\W\d_])")
# Necessary for a _GLUED match (punctuation right before a letter); starts with a character
# class, so the regex engine skips ahead to candidates (12x faster than _GLUED on most posts).
_GLUED_HINT = re.compile(r"[,;!?….][^\W\d_]")
_CAMEL_HASHTAG = re.compile(r"#\w*[a-zà-ù][A-ZÀ-Ù]\w*")
_CAMEL_CUT = re.compile(r"(?<=[a-zà-ù])(?=[A-ZÀ-Ù])")
_DIGITS_AS_0 = bytes.maketrans(b"123456789", b"000000000")


def _digits_as_0(text: str) -> str:
    """``text`` with its ASCII digits as 0, as chunk shapes are keyed (UTF-8 keeps every other
    character's bytes above 127, so only the digits change)."""
    return text.encode().translate(_DIGITS_AS_0).decode()


def fold_accents(word: str) -> str:
    """'perché' -> 'perche': social text drops or swaps accents freely."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _split_elision(token: str) -> list[str]:
    """Split Italian elision: dell'assistenza -> dell' + assistenza; po' and perche' stay."""
    parts: list[str] = []
    while True:
        cut = token.find("'", 1)
        if cut == -1 or cut == len(token) - 1:
            break
        parts.append(token[: cut + 1])
        token = token[cut + 1 :]
    parts.append(token)
    return parts


# A token as the rules read it: as written, lower case, accent-folded lower case, clause ends
# after it, all capitals, valence before the rules (0.0 for unknown words, boosters and
# negations), opens some phrase, "modifier": a clause end or a word that the rules look
# back for (booster, negation, contrast), so a window without one leaves a valence alone, and
# comes second in some phrase.
Piece = tuple[str, str, str, bool, bool, float, bool, bool, bool]
_TOKEN, _LOWER, _UPPER, _VALENCE, _HEAD, _MODIFIER = (itemgetter(k) for k in (0, 1, 4, 5, 6, 7))
# Stands for a chunk of bare punctuation that closes the clause before it ("bene , ma"); it is
# dropped once it has marked that clause end. No real token is empty.
_CLAUSE_MARK: Piece = ("", "", "", True, False, 0.0, False, True, False)


class ItalianSentimentAnalyzer(ScoringCore):
    """VADER's engine with an Italian lexicon and Italian rules.

    VADER's scoring (``ScoringCore``: valence sum, ``!``/``?`` emphasis, normalization) and its
    capital-letter, booster and negation constants are shared with English; the rules that
    turn a text into word valences are Italian (``valences``). Each distinct whitespace-
    separated chunk is cut, lower-cased, folded and looked up once per process (a bounded
    cache; a chunk with digits, such as a ticket number, is rebuilt from its shape): a text
    costs a dict look-up per chunk, then rules only at the words that carry a valence.

    :param lexicon_path: a VADER-format lexicon (``token<TAB>valence[<TAB>anything]``); entries
        with spaces are multi-word expressions, matched before the word rules run.
    """

    def __init__(self, lexicon_path: Path | str = LEXICON_PATH) -> None:
        self.lexicon = self._read_lexicon(Path(lexicon_path))
        self.emojis: dict[str, str] = {}  # emoji carry their own valence in the lexicon
        self.phrases = self._index_phrases()
        # Phrase head -> second word -> its phrases, longest first as in self.phrases.
        self._phrase_next: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        for head, entries in self.phrases.items():
            nexts = self._phrase_next.setdefault(head, {})
            for words in entries:
                if len(words) > 1:  # a one-word "phrase" would only rebuild its token
                    nexts.setdefault(words[1], []).append(words)
        self._seconds = frozenset(chain.from_iterable(self._phrase_next.values()))
        self._merged: dict[tuple[str, bool], Piece] = {}
        self.folded = {fold_accents(k): v for k, v in self.lexicon.items()}
        self.folded.update(self.lexicon)
        self._cache: dict[str, float | None] = {}
        # Chunk -> its pieces; a miss cuts the chunk (and caches it unless it holds digits).
        self._raw_cache = ChunkCache(self._uncached_chunk)
        self._chunk_pieces = self._raw_cache.__getitem__
        self._shapes: dict[bytes, tuple[int, int, bool, bool] | tuple[()]] = {}
        # simplemma loads its Italian dictionary on first use (about a second): pay it here,
        # once per process, not inside the first batch a scoring worker times.
        simplemma.lemmatize("essere", lang="it")
        # A booster that is also a lexicon word (or whose lemma is) counts as that word.
        self._boosters = {w: v for w, v in BOOSTERS.items() if self.valence_of(w) is None}
        self._modifiers = (
            frozenset(self._boosters) | NEGATE | NEVER_SO[0] | PARTIAL_NEGATE | CONTRAST
        )
        # Every string a rule compares a word with, if it holds digits, with its digits as 0.
        looked_up = chain(
            self.lexicon,
            self.folded,
            chain.from_iterable(chain.from_iterable(self.phrases.values())),
            self._modifiers,
            _NOT_SCORED,
            PRAISE,
            NEVER_SO[1],
            chain.from_iterable(NOT_NEGATING_AFTER.values()),
        )
        self._digit_words = frozenset(_digits_as_0(w) for w in looked_up if _DIGIT.search(w))

    def _read_lexicon(self, path: Path) -> dict[str, float]:
        """VADER's format, tolerant of blank lines and keyed on lower case. Also collects the
        entries that are lemmas (4th column equal to the token, or absent): simplemma's lemma
        of an unknown word is looked up among those only, so "terranno" (lemma "tenere", to
        hold) does not pick up "tenere", a plural of the adjective "tenero"."""
        lex: dict[str, float] = {}
        self.lemmas: set[str] = set()
        for line in path.read_bytes().decode("utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 2 and fields[0]:
                token = fields[0].lower()
                lex[token] = float(fields[1])
                if len(fields) < 4 or fields[3] == token:
                    self.lemmas.add(fold_accents(token))
        return lex

    def _index_phrases(self) -> dict[str, list[tuple[str, ...]]]:
        index: dict[str, list[tuple[str, ...]]] = {}
        for key in list(self.lexicon):
            if " " in key:
                words = tuple(fold_accents(w) for t in key.split() for w in _split_elision(t))
                index.setdefault(words[0], []).append(words)
                self.lexicon.setdefault(" ".join(words), self.lexicon[key])
        for entries in index.values():
            entries.sort(key=len, reverse=True)  # longest match first
        return index

    # --- tokenization -------------------------------------------------------------------

    def tokenize(self, text: str) -> tuple[list[str], list[bool]]:
        """Words, emoji and emoticons with case kept, plus for each one whether a clause ends
        after it (a comma, full stop, ...), which bounds negation and boosters."""
        pieces = self._pieces(text)
        return [p[0] for p in pieces], [p[3] for p in pieces]

    def _pieces(self, text: str) -> list[Piece]:
        """The text's tokens, phrases merged, with what the rules read of each."""
        pieces = list(chain.from_iterable(map(self._chunk_pieces, text.split())))
        if _CLAUSE_MARK in pieces:
            pieces = _mark_clause_ends(pieces)
        return self._join_phrases(pieces)

    def _uncached_chunk(self, raw: str) -> tuple[Piece, ...]:
        """A chunk not in the cache. An ASCII chunk with digits ("12345).", "#pratica12345") is
        rebuilt from its shape (its digits all read as 0) when that shape proved to be a single
        word-like piece that no rule reads: such chunks seldom recur, but their shapes do."""
        if not raw.isascii():
            return self._split_raw(raw)
        key = raw.encode().translate(_DIGITS_AS_0)  # bytes: 10x faster than str.translate
        if b"0" not in key:
            return self._split_raw(raw)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shape_of(raw, key)
            if len(self._shapes) > _CACHE_LIMIT:
                self._shapes.clear()
            self._shapes[key] = shape
        if not shape:
            return self._split_raw(raw)
        start, stop, end, upper = shape
        token = raw[start:stop]
        lower = token.lower()
        return ((token, lower, lower, end, upper, 0.0, False, end, False),)

    def _shape_of(self, raw: str, key: bytes) -> tuple[int, int, bool, bool] | tuple[()]:
        """Where ``raw``'s one piece lies in it, its clause end and capitals, if every chunk of
        the same shape yields one such piece: no apostrophe, no rewrite, and no string the
        rules look up reads the same with its digits as 0; else ()."""
        token = raw.strip(_PUNCT_NO_APOSTROPHE)
        start = len(raw) - len(raw.lstrip(_PUNCT_NO_APOSTROPHE))
        key_lower = key.decode().lower()
        if (
            "'" in raw
            or key_lower in self._digit_words
            or key_lower[start : start + len(token)] in self._digit_words
        ):
            return ()
        pieces = self._split_raw(raw)
        if len(pieces) != 1 or pieces[0][0] != token or raw[start : start + len(token)] != token:
            return ()
        _, lower, folded, end, upper, valence, head, modifier, second = pieces[0]
        if folded != lower or valence != 0.0 or head or second or modifier != end:
            return ()
        return (start, start + len(token), end, upper)

    def _split_raw(self, raw: str) -> tuple[Piece, ...]:
        """One whitespace-separated chunk of the text -> its pieces, cached.

        The rewrites (emoji set apart, curly quotes, punctuation glued between words,
        camel-case hashtags) never cross whitespace, so they run here, once per distinct
        chunk, instead of scanning every text."""
        chunk = raw
        if not chunk.isascii() and _HIGH.search(chunk):  # curly quotes or emoji
            chunk = _EMOJI_NOISE.sub("", chunk.replace("’", "'").replace("‘", "'"))
            chunk = _EMOJI.sub(r" \g<0> ", chunk)
        if _GLUED_HINT.search(chunk):  # rare: a quick scan first, the look-behind scan if needed
            chunk = _GLUED.sub(r"\1 ", chunk)
        if "#" in chunk:  # "#GovernoLadro" reads as "Governo Ladro"
            chunk = _CAMEL_HASHTAG.sub(lambda m: _CAMEL_CUT.sub(" ", m.group()), chunk)
        if chunk is raw:
            pieces = self._cut(raw)
        else:
            pieces = tuple(chain.from_iterable(self._cut(part) for part in chunk.split()))
        # Chunks with digits (ticket numbers, times, prices, handles like user123) seldom come
        # back, and cheap to cut again; kept out, they leave the cache small enough to stay in
        # the processor's cache.
        if _DIGIT.search(raw) is None:
            if len(self._raw_cache) > _CACHE_LIMIT:
                self._raw_cache.clear()
            self._raw_cache[raw] = pieces
        return pieces

    def _cut(self, raw: str) -> tuple[Piece, ...]:
        """One rewritten chunk -> its pieces (none for bare punctuation, or the clause mark
        when it closes a clause). Emoticons such as ":-)" or "<3" stay whole."""
        lower = raw.lower()
        if lower in self.lexicon:
            return (self._piece(raw, lower, False),)
        stripped = raw.strip(_PUNCT_NO_APOSTROPHE).lstrip("'")
        end = raw[-1] in _CLAUSE_END or (not stripped and any(c in _CLAUSE_END for c in raw))
        if not stripped:
            return (_CLAUSE_MARK,) if end else ()
        if "'" not in stripped:
            return (self._piece(stripped, stripped.lower(), end),)
        cut = _split_elision(stripped)
        last = len(cut) - 1
        return tuple(self._piece(p, p.lower(), end and k == last) for k, p in enumerate(cut))

    def _piece(self, token: str, lower: str, end: bool) -> Piece:
        if lower in _NOT_SCORED:
            valence = 0.0
        else:
            cached = self._cache.get(lower, False)
            valence = (self.valence_of(lower) if cached is False else cached) or 0.0
        folded = fold_accents(lower)
        head = folded in self.phrases
        return (
            token,
            lower,
            folded,
            end,
            token.isupper(),
            valence,
            head,
            end or lower in self._modifiers,
            folded in self._seconds,
        )

    def _join_phrases(self, pieces: list[Piece]) -> list[Piece]:
        """Merge multi-word expressions, longest first, left to right. Only the words that
        open a phrase followed by a word that comes second in one of those phrases are tried."""
        following = self._phrase_next
        size = len(pieces)
        out: list[Piece] = []
        done = 0  # pieces before this index are already in the output
        for i in compress(range(size - 1), map(_HEAD, pieces)):
            if i < done or not pieces[i + 1][8]:
                continue  # inside a phrase matched just before, or no phrase's second word next
            for words in following[pieces[i][2]].get(pieces[i + 1][2], ()):
                n = len(words)
                if n == 2:  # most phrases: only the clause end between the two words to check
                    if pieces[i][3]:
                        continue
                elif not (
                    i + n <= size
                    and pieces[i + 2][2] == words[2]  # the usual miss, before the generator
                    and all(pieces[i + k][2] == words[k] for k in range(3, n))
                    and not any(p[3] for p in pieces[i : i + n - 1])
                ):
                    continue
                out += pieces[done:i]
                out.append(self._merge(pieces[i : i + n]))
                done = i + n
                break
        if not done:
            return pieces
        return out + pieces[done:]

    def _merge(self, parts: list[Piece]) -> Piece:
        """One piece for a phrase's pieces: words joined by a space, the last one's clause end."""
        token = " ".join(map(_TOKEN, parts))
        key = (token, parts[-1][3])
        merged = self._merged.get(key)
        if merged is None:
            merged = self._piece(token, " ".join(map(_LOWER, parts)), parts[-1][3])
            if len(self._merged) > _CACHE_LIMIT:
                self._merged.clear()
            self._merged[key] = merged
        return merged

    # --- lexicon look-up ----------------------------------------------------------------

    def valence_of(self, word: str) -> float | None:
        """The lexicon valence of a lower-case token, trying the spellings social text uses:
        the exact form, without accents, without letter repetition ("bellooo"), laughter,
        -issimo superlatives, and finally simplemma's lemma. None when unknown."""
        cached = self._cache.get(word, False)
        if cached is not False:
            return cached
        value = self._lookup(word)
        if _DIGIT.search(word) is None:  # as for chunks: words with digits seldom come back
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = value
        return value

    def _lookup(self, word: str) -> float | None:
        if word in self.lexicon:
            return self.lexicon[word]
        if word.endswith("'") and len(word) > 2:  # "perche'" for "perché"
            word = word[:-1]
        folded = fold_accents(word)
        if folded in self.folded:
            return self.folded[folded]
        if not folded.isalpha():
            return None
        if _LAUGH.fullmatch(_REPEAT2.sub(r"\1", folded)):
            return self.lexicon.get("ahah")
        for collapsed in (
            _REPEAT3.sub(r"\1", folded),  # "bellooooo" -> "bello"
            _REPEAT3.sub(r"\1\1", folded),  # "belllissimo" -> "bellissimo"
            _REPEAT2.sub(r"\1", folded),  # "graziee" -> "grazie"
        ):
            if collapsed != folded and collapsed in self.folded:
                return self.folded[collapsed]
        superlative = _ISSIMO.match(folded)
        if superlative:
            stem, _, ending = superlative.groups()
            for base in (stem + ending, stem + "o", stem + "e"):
                if base in self.folded and self.folded[base] != 0:
                    value = self.folded[base]
                    return _clip(value + _sign(value) * SUPERLATIVE_BOOST)
        if folded.startswith("stra") and len(folded) > 7:  # "straconsigliato"
            value = self.folded.get(folded[4:])
            if value:
                return _clip(value + _sign(value) * SUPERLATIVE_BOOST)
        lemma = fold_accents(simplemma.lemmatize(folded, lang="it"))
        if lemma != folded and lemma in self.lemmas:
            return self.folded.get(lemma)
        return None

    # --- scoring ------------------------------------------------------------------------

    def compound(self, text: str) -> float:
        """VADER's compound score alone (what the product stores)."""
        pieces = self._pieces(text)
        if not pieces:
            return 0.0
        # Only the scored tokens: the others are 0.0, which leaves VADER's sum unchanged.
        return compound_of(self._rule_valences(pieces)[1], text)

    def valences(self, text: str) -> tuple[list[float], str]:
        """``sentiments`` and the text itself, whose ``!`` and ``?`` count as emphasis."""
        return self.sentiments(text), text

    def sentiments(self, text: str) -> list[float]:
        """One valence per token after the Italian rules (VADER's list before scoring)."""
        pieces = self._pieces(text)
        sentiments = [0.0] * len(pieces)
        for i, valence in zip(*self._rule_valences(pieces), strict=True):
            sentiments[i] = valence
        return sentiments

    def _rule_valences(self, pieces: list[Piece]) -> tuple[list[int], list[float]]:
        """The positions of the tokens that carry a valence, and their valences after the
        rules; every other token's is 0.0."""
        n = len(pieces)
        scored = list(compress(range(n), map(_VALENCE, pieces)))
        if not scored:
            return scored, []  # nothing to shift, contrast or read as sarcasm
        is_cap_diff: bool | None = None  # counted only for a word in capitals
        values = []
        for i in scored:
            piece = pieces[i]
            valence = piece[5]
            if piece[4]:
                if is_cap_diff is None:
                    is_cap_diff = _cap_diff(pieces)
                if is_cap_diff:
                    valence += C_INCR if valence > 0 else -C_INCR
            window = pieces[i - NEGATION_WINDOW if i > NEGATION_WINDOW else 0 : i]
            if window and any(map(_MODIFIER, window)):
                valence = self._shifted(pieces, i, valence, is_cap_diff)
            values.append(valence)
        if not CONTRAST.isdisjoint(map(_LOWER, pieces)):
            _contrast(pieces, scored, values)
        if not PRAISE.isdisjoint([pieces[i][1] for i in scored]):
            _sarcasm(pieces, scored, values)
        return scored, values

    def _shifted(
        self, pieces: list[Piece], i: int, valence: float, is_cap_diff: bool | None
    ) -> float:
        """Token ``i``'s valence (capitals applied) after the boosters and negations of the
        words before it, back to a clause end or a contrast word. ``is_cap_diff`` None: not
        counted yet."""
        negated = partial = never_so = False
        boosters = self._boosters
        for distance in range(1, NEGATION_WINDOW + 1):
            j = i - distance
            if j < 0:
                break
            piece = pieces[j]
            if not piece[7]:
                continue  # no clause end and no word the rules below look for
            before = piece[1]
            if piece[3] or before in CONTRAST:
                break
            if distance <= 3 and before in boosters:
                scalar = boosters[before] * BOOSTER_DECAY[distance - 1]
                if piece[4] and (_cap_diff(pieces) if is_cap_diff is None else is_cap_diff):
                    scalar += C_INCR if scalar > 0 else -C_INCR
                valence += scalar if valence > 0 else -scalar
            if before in NEVER_SO[0] and any(p[1] in NEVER_SO[1] for p in pieces[j + 1 : i]):
                never_so = True
            elif before in NEGATE and pieces[j + 1][1] not in NOT_NEGATING_AFTER.get(before, ()):
                negated = True
            elif before in PARTIAL_NEGATE:
                partial = True
        if never_so:
            valence *= NEVER_SO_SCALAR
        elif negated:
            valence *= N_SCALAR
        elif partial:
            valence *= PARTIAL_SCALAR
        return valence


# Boosters and negations carry no valence of their own.
_NOT_SCORED = frozenset(BOOSTERS) | NEGATE


def _cap_diff(pieces: list[Piece]) -> bool:
    """VADER's rule: words in capitals are emphasized when some, not all, words are."""
    return 0 < sum(map(_UPPER, pieces)) < len(pieces)


def _clip(value: float) -> float:
    return max(-MAX_VALENCE, min(MAX_VALENCE, value))


def _sign(value: float) -> float:
    return 1.0 if value > 0 else -1.0


def _sarcasm(pieces: list[Piece], scored: list[int], values: list[float]) -> None:
    """Praise in a text whose other words are clearly negative is read as sarcasm: it
    turns mildly negative instead of cancelling the complaint. In place on ``values``, the
    valences of the tokens at ``scored`` (every other token's is 0.0)."""
    praise = [j for j, i in enumerate(scored) if pieces[i][1] in PRAISE and values[j] > 0]
    if not praise:
        return
    rest = sum(v for j, v in enumerate(values) if j not in praise)  # in text order, as before
    if rest > SARCASM_TRIGGER:
        return
    for j in praise:
        values[j] = abs(values[j]) * SARCASM_SCALAR


def _contrast(pieces: list[Piece], scored: list[int], values: list[float]) -> None:
    """After the first contrast word that does not open the text, the clause that follows
    weighs more than the one before ("bello, ma carissimo" leans negative). In place on
    ``values``, the valences of the tokens at ``scored``."""
    contrasts = map(CONTRAST.__contains__, map(_LOWER, islice(pieces, 1, None)))
    k = next(compress(count(1), contrasts), 0)
    if not k:
        return
    for j, i in enumerate(scored):
        if i < k:
            values[j] = values[j] * CONTRAST_BEFORE
        elif i > k:
            values[j] = values[j] * CONTRAST_AFTER


def _mark_clause_ends(pieces: list[Piece]) -> list[Piece]:
    """Drop the clause marks of bare punctuation, marking a clause end on the token before."""
    out: list[Piece] = []
    for piece in pieces:
        if piece is not _CLAUSE_MARK:
            out.append(piece)
        elif out:
            token, lower, folded, _, upper, valence, head, _, second = out[-1]
            out[-1] = (token, lower, folded, True, upper, valence, head, True, second)
    return out
