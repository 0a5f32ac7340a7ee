"""The Italian scorer as it was before it moved onto monitoring/scoring/vader_engine.py (commit
cb308b8), kept verbatim as the reference the new one must equal (tests/test_sentiment.py).

It subclasses vaderSentiment's SentimentIntensityAnalyzer and is about twice as slow; nothing
outside the tests imports it.

Italian rules for VADER's engine: tokenization, negation, boosters, contrast and phrases.

VADER's scoring (valence sum, punctuation emphasis, normalization, capital-letter emphasis) is
reused as is; what is English in it (its negation and booster word lists, the 'but' rule, the
way it cuts words) is replaced here by Italian rules. Word valences come from the lexicon the
project builds with ``tools/build_it_lexicon.py`` into ``data/lexicons/it_lexicon.tsv``; see
``data/lexicons/README.md`` and docs/decisions/0003-italian-sentiment-lexicon.md.
"""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import simplemma
from vaderSentiment.vaderSentiment import (
    B_DECR,
    B_INCR,
    C_INCR,
    N_SCALAR,
    SentimentIntensityAnalyzer,
    normalize,
)

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "lexicons" / "it_lexicon.tsv"

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
_EMOJI_NOISE = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")
_LAUGH = re.compile(r"a?(?:ha){2,}h?|(?:ah){2,}a?|(?:eh){2,}e?|e?(?:he){2,}h?")
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


class ItalianSentimentAnalyzer(SentimentIntensityAnalyzer):
    """VADER's engine with an Italian lexicon and Italian rules.

    :param lexicon_path: a VADER-format lexicon (``token<TAB>valence[<TAB>anything]``); entries
        with spaces are multi-word expressions, matched before the word rules run.
    """

    def __init__(self, lexicon_path: Path | str = LEXICON_PATH) -> None:
        # VADER joins lexicon_file onto its own folder; an absolute path survives the join.
        super().__init__(lexicon_file=str(Path(lexicon_path).resolve()))
        self.emojis = {}  # emoji carry their own valence in the Italian lexicon
        self.phrases = self._index_phrases()
        self.folded = {fold_accents(k): v for k, v in self.lexicon.items()}
        self.folded.update(self.lexicon)
        self._cache: dict[str, float | None] = {}
        self._raw_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
        # simplemma loads its Italian dictionary on first use (about a second): pay it here,
        # once per process, not inside the first batch a scoring worker times.
        simplemma.lemmatize("essere", lang="it")

    def make_lex_dict(self) -> dict[str, float]:
        """Like VADER's, but tolerant of blank lines and keyed on lower case. Also collects the
        entries that are lemmas (4th column equal to the token, or absent): simplemma's lemma
        of an unknown word is looked up among those only, so "terranno" (lemma "tenere", to
        hold) does not pick up "tenere", a plural of the adjective "tenero"."""
        lex: dict[str, float] = {}
        self.lemmas: set[str] = set()
        for line in self.lexicon_full_filepath.splitlines():
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
        tokens, _, ends = self._tokens(text)
        return tokens, ends

    def _tokens(self, text: str) -> tuple[list[str], list[str], list[bool]]:
        """``tokenize`` plus each token in lower case (what the word rules read)."""
        # Curly quotes (U+2018/9), emoji and their modifiers all sort at or after U+200D.
        if not text.isascii() and max(text) >= "\u200d":
            text = _EMOJI_NOISE.sub("", text.replace("’", "'").replace("‘", "'"))
            text = _EMOJI.sub(r" \g<0> ", text)
        if _GLUED_HINT.search(text):  # rare: a quick scan first, the look-behind scan if needed
            text = _GLUED.sub(r"\1 ", text)
        if "#" in text:  # "#GovernoLadro" reads as "Governo Ladro"
            text = _CAMEL_HASHTAG.sub(lambda m: _CAMEL_CUT.sub(" ", m.group()), text)
        tokens: list[str] = []
        lowers: list[str] = []
        folded: list[str] = []
        ends: list[bool] = []
        cache = self._raw_cache
        for raw in text.split():
            split = cache.get(raw)
            if split is None:
                split = self._split_raw(raw)
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                cache[raw] = split
            pieces, low, keys, flags = split
            if pieces:
                tokens += pieces
                lowers += low
                folded += keys
                ends += flags
            elif flags and ends:  # bare punctuation closing the clause before it
                ends[-1] = True
        return self._join_phrases(tokens, lowers, folded, ends)

    def _split_raw(self, raw: str) -> tuple[tuple[str, ...], ...]:
        """One whitespace-separated chunk -> its tokens, their lower-case and folded forms, and
        for each token whether a clause ends after it (for a chunk without tokens: ``(True,)``
        when it closes a clause). Emoticons such as ":-)" or "<3" stay whole."""
        lower = raw.lower()
        if lower in self.lexicon:
            return (raw,), (lower,), (fold_accents(lower),), (False,)
        stripped = raw.strip(_PUNCT_NO_APOSTROPHE).lstrip("'")
        end = raw[-1] in _CLAUSE_END or (not stripped and any(c in _CLAUSE_END for c in raw))
        if not stripped:
            return (), (), (), (True,) if end else ()
        pieces = tuple(_split_elision(stripped)) if "'" in stripped else (stripped,)
        low = tuple(p.lower() for p in pieces)
        flags = (False,) * (len(pieces) - 1) + (end,)
        return pieces, low, tuple(fold_accents(p) for p in low), flags

    def _join_phrases(
        self, tokens: list[str], lowers: list[str], folded: list[str], ends: list[bool]
    ) -> tuple[list[str], list[str], list[bool]]:
        """Merge multi-word expressions, longest first, left to right. Only the positions whose
        word opens some phrase are tried (most texts have none or one)."""
        phrases = self.phrases
        heads = [i for i, word in enumerate(folded) if word in phrases]
        if not heads:
            return tokens, lowers, ends
        out: list[str] = []
        out_lowers: list[str] = []
        out_ends: list[bool] = []
        done = 0  # tokens before this index are already in the output
        for i in heads:
            if i < done:
                continue  # inside a phrase matched just before
            for words in phrases[folded[i]]:
                n = len(words)
                if tuple(folded[i : i + n]) == words and not any(ends[i : i + n - 1]):
                    out += tokens[done:i]
                    out_lowers += lowers[done:i]
                    out_ends += ends[done:i]
                    out.append(" ".join(tokens[i : i + n]))
                    out_lowers.append(" ".join(lowers[i : i + n]))
                    out_ends.append(ends[i + n - 1])
                    done = i + n
                    break
        if not done:
            return tokens, lowers, ends
        out += tokens[done:]
        out_lowers += lowers[done:]
        out_ends += ends[done:]
        return out, out_lowers, out_ends

    # --- lexicon look-up ----------------------------------------------------------------

    def valence_of(self, word: str) -> float | None:
        """The lexicon valence of a lower-case token, trying the spellings social text uses:
        the exact form, without accents, without letter repetition ("bellooo"), laughter,
        -issimo superlatives, and finally simplemma's lemma. None when unknown."""
        cached = self._cache.get(word, False)
        if cached is not False:
            return cached
        value = self._lookup(word)
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

    def polarity_scores(self, text: str) -> dict[str, float]:
        """VADER's neg/neu/pos/compound for Italian text."""
        return self.score_valence(self.sentiments(text), text)

    def compound(self, text: str) -> float:
        """VADER's compound score alone (what the product stores): the same number as
        ``polarity_scores(text)["compound"]`` without the neg/neu/pos shares."""
        sentiments = self.sentiments(text)
        if not sentiments:
            return 0.0
        # VADER's score_valence, compound part: sum, punctuation emphasis, normalization.
        total = float(sum(sentiments))
        if total:
            emphasis = self._punctuation_emphasis(text)
            total = total + emphasis if total > 0 else total - emphasis
        return round(normalize(total), 4)

    def sentiments(self, text: str) -> list[float]:
        """One valence per token after the Italian rules (VADER's list before scoring)."""
        tokens, lowers, ends = self._tokens(text)
        is_cap_diff = _allcap_differential(tokens)
        sentiments = [0.0] * len(tokens)
        cache = self._cache
        skip = _NOT_SCORED
        for i, word in enumerate(lowers):
            if word in skip:
                continue
            valence = cache.get(word, False)
            if valence is False:
                valence = self.valence_of(word)
            if valence:
                sentiments[i] = self._shifted(tokens, lowers, ends, i, valence, is_cap_diff)
        if not CONTRAST.isdisjoint(lowers):
            sentiments = _contrast(lowers, sentiments)
        if not PRAISE.isdisjoint(lowers):
            sentiments = _sarcasm(lowers, sentiments)
        return sentiments

    def _shifted(
        self,
        tokens: list[str],
        lowers: list[str],
        ends: list[bool],
        i: int,
        valence: float,
        is_cap_diff: bool,
    ) -> float:
        """The lexicon valence of token ``i`` after capitals, boosters and negation."""
        if is_cap_diff and tokens[i].isupper():
            valence += C_INCR if valence > 0 else -C_INCR
        negated = partial = never_so = False
        for distance in range(1, NEGATION_WINDOW + 1):
            j = i - distance
            if j < 0 or ends[j] or lowers[j] in CONTRAST:
                break
            before = lowers[j]
            if distance <= 3 and before in BOOSTERS and self.valence_of(before) is None:
                scalar = BOOSTERS[before] * BOOSTER_DECAY[distance - 1]
                if is_cap_diff and tokens[j].isupper():
                    scalar += C_INCR if scalar > 0 else -C_INCR
                valence += scalar if valence > 0 else -scalar
            if before in NEVER_SO[0] and any(w in NEVER_SO[1] for w in lowers[j + 1 : i]):
                never_so = True
            elif before in NEGATE and lowers[j + 1] not in NOT_NEGATING_AFTER.get(before, ()):
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


def _clip(value: float) -> float:
    return max(-MAX_VALENCE, min(MAX_VALENCE, value))


def _sign(value: float) -> float:
    return 1.0 if value > 0 else -1.0


def _allcap_differential(tokens: list[str]) -> bool:
    """VADER's rule: capitals emphasize only when some, not all, tokens are in capitals."""
    caps = sum(1 for t in tokens if t.isupper())
    return 0 < caps < len(tokens)


def _sarcasm(lowers: list[str], sentiments: list[float]) -> list[float]:
    """Praise in a text whose other words are clearly negative is read as sarcasm: it
    turns mildly negative instead of cancelling the complaint."""
    praise = [k for k, w in enumerate(lowers) if w in PRAISE and sentiments[k] > 0]
    if not praise:
        return sentiments
    rest = sum(s for k, s in enumerate(sentiments) if k not in praise)
    if rest > SARCASM_TRIGGER:
        return sentiments
    return [abs(s) * SARCASM_SCALAR if k in praise else s for k, s in enumerate(sentiments)]


def _contrast(lowers: list[str], sentiments: list[float]) -> list[float]:
    """After the first contrast word that does not open the text, the clause that follows
    weighs more than the one before ("bello, ma carissimo" leans negative)."""
    for k, word in enumerate(lowers):
        if k > 0 and word in CONTRAST:
            return [
                s * CONTRAST_BEFORE if i < k else s * CONTRAST_AFTER if i > k else s
                for i, s in enumerate(sentiments)
            ]
    return sentiments
