"""Sentiment: VADER for English, VADER's engine with Italian rules for Italian (issue 4)."""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from italian_reference import ItalianSentimentAnalyzer as ReferenceItalian
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitoring.cli import cli
from monitoring.demo.generator import generate_items
from monitoring.scoring import Sentiment, analyze, analyze_many, italian
from monitoring.scoring.evaluation import (
    LABELS,
    accuracy,
    load_it_dev,
    load_vader_tweets,
    macro_f1,
    pearson,
)
from monitoring.scoring.italian import LEXICON_PATH, ItalianSentimentAnalyzer
from monitoring.scoring.sentiment import italian_analyzer

ROOT = Path(__file__).resolve().parents[1]


def compound(text: str, lang: str) -> float:
    return analyze(text, lang).compound


# --- the public shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.05, "positive"),
        (0.9, "positive"),
        (0.0499, "neutral"),
        (0.0, "neutral"),
        (-0.0499, "neutral"),
        (-0.05, "negative"),
        (-1.0, "negative"),
        (None, None),
    ],
)
def test_label_uses_vader_readme_thresholds(value, label):
    assert Sentiment("it", value).label == label


@pytest.mark.parametrize(
    "text",
    ["Hola amigos, ¿qué tal estáis hoy? Todo bien por aquí", "Das ist wirklich ein tolles Produkt"],
)
def test_other_languages_are_unscored_not_neutral(text):
    result = analyze(text)
    assert result.lang in {"es", "de"}
    assert result.compound is None
    assert result.label is None


def test_forced_other_language_is_unscored():
    assert analyze("Servizio pessimo", "fr") == Sentiment("fr", None)


def test_forced_language_is_case_insensitive():
    assert analyze("Servizio pessimo", "IT") == analyze("Servizio pessimo", "it")
    assert analyze("Servizio pessimo", "AUTO") == analyze("Servizio pessimo")


def test_auto_detects_then_scores():
    assert analyze("Servizio pessimo, vergognatevi", "auto").lang == "it"
    assert analyze("Servizio pessimo, vergognatevi").label == "negative"
    assert analyze("Great support, thank you so much!").lang == "en"


def test_analyze_many_matches_analyze_and_keeps_order():
    texts = [
        "Servizio ottimo!",
        "Awful service.",
        "Servizio ottimo!",
        "",
        "Que tal amigos, todo bien?",
    ]
    langs = [None, "en", "en", None, "auto"]
    assert analyze_many(texts, langs) == [
        analyze(t, lang) for t, lang in zip(texts, langs, strict=True)
    ]
    assert analyze_many(texts) == [analyze(t) for t in texts]


def test_analyze_many_rejects_mismatched_languages():
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        analyze_many(["a", "b"], ["it"])


def test_analyzers_are_built_once():
    assert italian_analyzer() is italian_analyzer()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), lang=st.sampled_from([None, "auto", "it", "en", "es"]))
def test_arbitrary_text_never_crashes(text, lang):
    result = analyze(text, lang)
    if result.compound is not None:
        assert -1.0 <= result.compound <= 1.0
        assert not math.isnan(result.compound)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=80), max_size=20))
def test_arbitrary_batches_never_crash(texts):
    assert len(analyze_many(texts)) == len(texts)


# --- English: VADER on the raw text --------------------------------------------------------


def test_english_reproduces_vader_on_its_human_rated_tweets():
    texts, ratings = load_vader_tweets()
    assert len(texts) == 4200
    scores = [s.compound for s in analyze_many(texts, ["en"] * len(texts))]
    assert pearson(scores, ratings) >= 0.87


@pytest.mark.parametrize(
    "text",
    [
        "VADER is VERY SMART, handsome, and FUNNY!!!",
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "Today only kinda sux! But I'll get by, lol",
        "Make sure you :) or :D today!",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    ],
)
def test_english_is_vader_untouched(text):
    # Caps, punctuation and emoticons are signal: the text must reach VADER as written.
    assert compound(text, "en") == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ("The service was good.", "The service was very good."),
        ("The service was good.", "The service was GOOD!!!"),
        ("The service was bad.", "The service was extremely bad."),
    ],
)
def test_english_boosters(weaker, stronger):
    assert abs(compound(stronger, "en")) > abs(compound(weaker, "en"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The book was good.", "positive"),
        ("The book was not good.", "negative"),
        ("The support isn't bad at all", "positive"),
        ("The staff was nice but the service was terrible", "negative"),
        ("The wait was awful but the staff were wonderful and kind", "positive"),
    ],
)
def test_english_negation_and_contrast(text, label):
    assert analyze(text, "en").label == label


# --- Italian: VADER's engine with Italian rules --------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # negation
        ("Il servizio è buono", "positive"),
        ("Il servizio non è buono", "negative"),
        ("Non mi è piaciuto per niente", "negative"),
        ("Non ho mai avuto nessun problema con voi", "positive"),  # negative concord: one flip
        ("Nessun problema, tutto risolto", "positive"),
        ("Non è affatto male", "positive"),
        ("Né gentili né competenti", "negative"),
        ("Senza problemi e senza attese", "positive"),
        ("Mai stato così soddisfatto", "positive"),  # "mai ... così" intensifies
        ("Mai stato così deluso", "negative"),
        ("Altro che risparmio, pago il doppio", "negative"),
        ("Non vedo l'ora di provarlo", "positive"),
        ("Non solo bello ma anche utile", "positive"),
        ("Poco chiaro e poco professionale", "negative"),
        # contrast: what follows ma / però / tuttavia dominates
        ("Il prezzo è buono ma il servizio è pessimo", "negative"),
        ("Il servizio è lento, però gentilissimi", "positive"),
        ("Bello il sito, tuttavia l'app è inutile", "negative"),
        ("Spot carino, peccato che la bolletta sia sbagliata", "negative"),
        # slang, insults, customer-service vocabulary, emoji
        ("Assistenza top 💪", "positive"),
        ("Che figata il nuovo spot", "positive"),
        ("Fa schifo, siete dei ladri", "negative"),
        ("Ennesimo disservizio, vergognatevi 🤬", "negative"),
        ("Bolletta sbagliata e nessuna risposta", "negative"),
        ("😍😍", "positive"),
        (":(", "negative"),
        ("Bellooooo!!!", "positive"),
        ("perche' e' cosi' difficile? assurdo", "negative"),
        ("Servizio pessimo,lento e caro", "negative"),  # punctuation glued between words
        ("#GovernoLadro", "negative"),  # camel-case hashtags read as words
        ("Ok, ci vediamo alle otto", "neutral"),  # "ok" acknowledges, it does not praise
        # sarcastic praise
        ("Complimenti, un altro disservizio", "negative"),
        ("Grazie per averci lasciato al buio tre giorni", "negative"),
        # neutral information
        ("Il negozio di via Roma apre alle nove", "neutral"),
        ("Domani il voto di fiducia alla Camera", "neutral"),
        ("Forza Italia riunisce i gruppi parlamentari", "neutral"),
        ("Le elezioni regionali si terranno a febbraio", "neutral"),
        ("I temi della campagna elettorale", "neutral"),  # temi: themes, not "you fear"
        ("Nuovi pannelli solari per le famiglie", "neutral"),  # solare: the product, not sunny
        ("Tenete a mente la scadenza, salvo proroghe", "neutral"),  # mind / except
    ],
)
def test_italian_rules(text, label):
    assert analyze(text, "it").label == label, analyze(text, "it")


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ("Il servizio è bello", "Il servizio è molto bello"),
        ("Il servizio è bello", "Il servizio è bellissimo"),
        ("Il servizio è gentile", "Il servizio è super gentile"),
        ("Il servizio è lento", "Il servizio è troppo lento"),
        ("Il servizio è abbastanza buono", "Il servizio è buono"),
        ("Il film è bello", "Il film è BELLO"),  # VADER's capital-letter emphasis
        ("Il film è bello", "Il film è bello!!!"),
        ("Sono arrabbiato", "Sono arrabbiatissimo"),
    ],
)
def test_italian_boosters_and_dampeners(weaker, stronger):
    assert abs(compound(stronger, "it")) > abs(compound(weaker, "it"))


def test_italian_reads_inflected_and_accent_free_forms():
    analyzer = italian_analyzer()
    for word in ("pessima", "pessimi", "truffati", "odiano", "deludente", "gentilissime"):
        assert analyzer.valence_of(word), word
    assert analyzer.valence_of("perche") is None  # a function word, not sentiment
    assert analyzer.valence_of("felicita") == analyzer.valence_of("felicità")
    # simplemma's lemma is looked up only among lemmas: "terranno" (tenere, to hold) must
    # not take the valence of "tenere", plural of the adjective "tenero".
    assert analyzer.valence_of("terranno") is None


def test_italian_dev_set_figures():
    rows = load_it_dev()
    gold = [r.label for r in rows]
    predicted = [analyze(r.text, "it").label for r in rows]
    assert macro_f1(gold, predicted, LABELS) >= 0.80
    assert accuracy(gold, predicted) >= 0.80
    unseen = [(r.label, p) for r, p in zip(rows, predicted, strict=True) if r.split != "tune"]
    assert macro_f1([g for g, _ in unseen], [p for _, p in unseen], LABELS) >= 0.75
    polar = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != "neutral"]
    pos_neg = macro_f1([g for g, _ in polar], [p for _, p in polar], ("negative", "positive"))
    assert pos_neg >= 0.80


def test_italian_scorer_beats_plain_vader_on_italian():
    rows = load_it_dev()
    gold = [r.label for r in rows]
    vader = SentimentIntensityAnalyzer()
    plain = [Sentiment("it", vader.polarity_scores(r.text)["compound"]).label for r in rows]
    ours = [analyze(r.text, "it").label for r in rows]
    assert macro_f1(gold, ours, LABELS) > macro_f1(gold, plain, LABELS) + 0.3


# --- Italian on vader_engine: the same numbers as the scorer it replaced -----------------------

REFERENCE_IT = ReferenceItalian()


def assert_same_as_reference(texts):
    """Compound, neg/neu/pos, tokens and per-token valences equal to the previous scorer's
    (tests/italian_reference.py), text by text."""
    ours = italian_analyzer()
    for text in texts:
        assert ours.compound(text) == REFERENCE_IT.compound(text), text
        assert ours.polarity_scores(text) == REFERENCE_IT.polarity_scores(text), text
        assert ours.tokenize(text) == REFERENCE_IT.tokenize(text), text
        assert ours.sentiments(text) == REFERENCE_IT.sentiments(text), text


def test_italian_equals_reference_on_dev_set_and_tweets():
    assert_same_as_reference([r.text for r in load_it_dev()])
    assert_same_as_reference(load_vader_tweets()[0][:1000])


@pytest.mark.slow
def test_italian_equals_reference_on_demo_texts():
    texts = [
        t for table in generate_items(mentions=4000, seed=11) for t in table["text"].to_pylist()
    ]
    assert len(texts) > 4000
    assert_same_as_reference(texts)


_IT_LEXICON = sorted(REFERENCE_IT.lexicon)
_IT_RULE_WORDS = sorted(
    set(italian.BOOSTERS)
    | {w for phrase in italian.NEGATE | italian.PRAISE for w in phrase.split()}
    | set(italian.CONTRAST)
    | set(italian.PARTIAL_NEGATE)
    | italian.NEVER_SO[1]
    | {"solo", "soltanto", "appena", "mai", "che", "altro", "l'", "dell'", "un'", "po'"}
)
_IT_SHAPES = ["bellooooo", "bellissimo", "BELLISSIMA", "straconsigliato", "ahahah", "perche'"]
_it_word = st.one_of(
    st.sampled_from(_IT_LEXICON),
    st.sampled_from(_IT_RULE_WORDS),
    st.sampled_from(_IT_SHAPES),
    st.sampled_from(["😡", "👍", "😍", "🤬", "’", "️", "🏻", ":)", ":-(", "<3", "#"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
)
_it_shape = st.sampled_from([str, str, str, str.upper, str.capitalize])
_it_affix = st.sampled_from(["", "", "", "!", "?", ".", ",", "!!!", "...", "'", "#", "(", ")"])
_it_token = st.tuples(_it_affix, _it_word, _it_shape, _it_affix).map(
    lambda t: t[0] + t[2](t[1]) + t[3]
)
_it_separator = st.sampled_from([" ", " ", " ", "  ", "\n", "", ", ", " , ", " ... "])


@st.composite
def italian_text(draw):
    tokens = draw(st.lists(_it_token, max_size=25))
    return "".join(tok + draw(_it_separator) for tok in tokens)


@settings(max_examples=2000, deadline=None)
@given(text=italian_text())
def test_property_italian_equals_reference(text):
    assert_same_as_reference([text])


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_property_italian_equals_reference_on_arbitrary_text(text):
    assert_same_as_reference([text])


# Chunks with digits are rebuilt from their shape (digits read as 0) once a chunk of that shape
# was cut; these shapes include emoticons and phrase words with digits, which must not be.
_DIGIT_CHUNKS = [
    "12345",
    "(pratica 12345).",
    "#pratica12345.",
    "#Pratica12345!",
    "ORE12",
    "12:30,",
    "€12",
    "<3",
    "</3",
    "0:)",
    "3:-)",
    "8)",
    "(8",
    "0:03",
    "movimento 5 stelle",
    "5",
    "l'12",
    "12'",
    "dell'1",
    "1,ciao",
    "ciao,1",
    "bello,ciao1",
    "1...",
    "#ab1Cd",
    "1👍",
    "٣٤",
    "NON1",
    "non 1 bello",
]


@st.composite
def digit_text(draw):
    chunks = draw(st.lists(st.one_of(st.sampled_from(_DIGIT_CHUNKS), _it_token), max_size=12))
    text = " ".join(chunks)
    return re.sub(r"[0-9]", lambda _: draw(st.sampled_from("0123456789")), text)


@settings(max_examples=1000, deadline=None)
@given(text=digit_text())
def test_property_italian_equals_reference_on_chunks_with_digits(text):
    assert_same_as_reference([text])


def test_chunks_with_digits_of_one_shape():
    texts = [
        f"Servizio pessimo #pratica{n}. {s} bello" for n in range(100, 200) for s in _DIGIT_CHUNKS
    ]
    assert_same_as_reference(texts + [t.replace("1", "3") for t in texts])


# --- the lexicon -----------------------------------------------------------------------------


def test_lexicon_is_large_on_vader_scale_and_reproducible():
    rows = [line.split("\t") for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 4000
    assert all(-4.0 <= float(r[1]) <= 4.0 for r in rows)
    assert {r[2].split(":")[0] for r in rows} >= {"phrase", "curated", "en", "vader"}
    check = subprocess.run(
        [sys.executable, "tools/build_it_lexicon.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_italian_analyzer_takes_any_vader_format_lexicon(tmp_path):
    lexicon = tmp_path / "mini.tsv"
    lexicon.write_text("fantasmagorico\t3.0\nterribilino\t-2.5\nche noia\t-2.0\n", encoding="utf-8")
    analyzer = ItalianSentimentAnalyzer(lexicon)
    assert analyzer.polarity_scores("Fantasmagorico!")["compound"] > 0.5
    assert analyzer.polarity_scores("non è terribilino")["compound"] > 0
    assert analyzer.polarity_scores("Che noia")["compound"] < 0
    assert analyzer.polarity_scores("bello")["compound"] == 0.0  # nothing else leaks in


# --- python -m monitoring sentiment ------------------------------------------------------------


def run_cli(args: list[str], stdin: str):
    result = CliRunner().invoke(cli, ["sentiment", *args], input=stdin.encode("utf-8"))
    lines = [json.loads(line) for line in result.output.splitlines()]
    return result, lines


def test_cli_one_json_object_per_input_line():
    stdin = "Servizio pessimo, mai più!\nGreat support, thanks :)\n\nHola amigos, ¿qué tal estáis hoy?\n"
    result, lines = run_cli([], stdin)
    assert result.exit_code == 0, result.output
    assert [line["lang"] for line in lines] == ["it", "en", None, "es"]
    assert lines[0]["compound"] < -0.05 and lines[1]["compound"] > 0.05
    assert lines[2]["compound"] is None and lines[3]["compound"] is None
    assert all(set(line) == {"lang", "compound"} for line in lines)


def test_cli_forced_language():
    result, lines = run_cli(["--lang", "en"], "Servizio pessimo\n")
    assert lines == [{"lang": "en", "compound": 0.0}]
    result, lines = run_cli(["--lang", "it"], "Servizio pessimo\n")
    assert lines[0]["lang"] == "it" and lines[0]["compound"] < 0


def test_cli_rejects_unknown_language():
    result = CliRunner().invoke(cli, ["sentiment", "--lang", "xx"], input=b"")
    assert result.exit_code == 2
    assert "'xx' is not one of 'auto', 'en', 'it'" in result.output


def test_cli_survives_invalid_utf8():
    result = CliRunner().invoke(cli, ["sentiment"], input=b"ottimo servizio \xff\xfe grazie\n")
    assert result.exit_code == 0
    assert json.loads(result.output)["lang"] == "it"


def test_cli_reproduces_vader_correlation_on_tweets():
    texts, ratings = load_vader_tweets()
    result, lines = run_cli(["--lang", "en"], "\n".join(texts) + "\n")
    assert result.exit_code == 0
    assert len(lines) == len(texts)
    assert pearson([line["compound"] for line in lines], ratings) >= 0.87
