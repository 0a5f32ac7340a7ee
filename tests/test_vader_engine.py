"""The fast VADER engine gives vaderSentiment 3.3.2's numbers exactly (issue 4's speed work).

vaderSentiment stays the reference: every test scores the same text with both.
"""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitoring.demo.generator import generate_items
from monitoring.scoring.evaluation import IT_DEV, load_it_dev, load_vader_tweets
from monitoring.scoring.sentiment import english_analyzer
from monitoring.scoring.vader_engine import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
    VaderEngine,
    compound_of,
    read_emoji,
    read_lexicon,
)

REFERENCE = SentimentIntensityAnalyzer()
ENGINE = VaderEngine()
TOLERANCE = 1e-9


def assert_same(texts):
    """Compound within 1e-9 and the neg/neu/pos shares equal, text by text."""
    for text in texts:
        expected = REFERENCE.polarity_scores(text)
        got = ENGINE.polarity_scores(text)
        assert abs(got["compound"] - expected["compound"]) <= TOLERANCE, (text, got, expected)
        assert ENGINE.compound(text) == got["compound"], text
        assert got == expected, (text, got, expected)


def test_vader_human_rated_tweets():
    texts, _ = load_vader_tweets()
    assert len(texts) == 4200
    assert_same(texts)


def test_every_text_of_tests_data():
    texts, _ = load_vader_tweets()
    rows = load_it_dev()
    assert_same([r.text for r in rows])  # Italian too: plain VADER's baseline on them
    lines = IT_DEV.parent.joinpath("policy_cases_heldout.jsonl").read_text(encoding="utf-8")
    lines += IT_DEV.parent.joinpath("policy_cases_heldout2.jsonl").read_text(encoding="utf-8")
    assert_same(lines.splitlines())  # JSON lines are text with quotes, braces and words


@pytest.mark.slow
def test_demo_generator_texts():
    # Every demo text, not only those hinted "en": most carry no hint, and the Italian ones
    # are what plain VADER would be given by mistake.
    texts = [
        t for table in generate_items(mentions=4000, seed=11) for t in table["text"].to_pylist()
    ]
    assert len(texts) > 4000
    assert_same(texts)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "no",
        "no good",
        "NO GOOD at all",
        "no no good",
        "not no bad or nice",
        "it is no bad or good",
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "good good but bad bad but",
        "nice 2 but 2 nice",
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        "Never so good, never this bad",
        "this is so good",
        "it was never this great",
        "Without a doubt, excellent idea.",
        "without any doubt good",
        "At least it isn't a horrible book.",
        "least good",
        "very least good",
        "at least good",
        "one of the least compelling",
        "yeah right, the shit, the bomb",
        "it is the shit",
        "a bus stop kiss of death to die for",
        "I hate this bad ass place",
        "it was kind of good and sort of bad and just enough nice",
        "kind of",
        "kind",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "😁😁good",
        "good😁",
        "😁 ",
        "⬆️UP",
        "🔛 on! 🆙 ???",
        "Make sure you :) or :D today!",
        ":-) :( <3 </3 :P",
        "GOOD",
        "GOOD bad",
        "NOT good at ALL?!?!",
        "doesn't ain't don't good",
        "isn't it nice",
        "nope, hardly, barely good",
        "'''good'''",
        "!!!good!!!",
        "a-b good",
        "\tgood\nbad\r\n",
        "İstanbul is great",
        "ﬁne fine",
    ],
)
def test_vader_rules_and_quirks(text):
    assert_same([text])


LEXICON_WORDS = sorted(k for k in read_lexicon() if " " not in k)
EMOJI = sorted(k for k in read_emoji() if len(k) == 1)
RULE_WORDS = sorted(
    {w for k in itertools.chain(BOOSTER_DICT, SPECIAL_CASES) for w in k.split()}
    | set(NEGATE)
    | {"but", "BUT", "no", "No", "least", "at", "very", "never", "so", "this", "without"}
    | {"doubt", "kind", "of", "or", "nor", "isn't", "don't", "n't", "the", "a"}
)
_word = st.one_of(
    st.sampled_from(LEXICON_WORDS),
    st.sampled_from(RULE_WORDS),
    st.sampled_from(EMOJI),
    st.sampled_from([":)", ":(", ":D", ":-)", "<3", ":P", ";)", "xD", "</3"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
)
_shape = st.sampled_from([str, str, str.upper, str.capitalize, str.lower])
_affix = st.sampled_from(["", "", "", "!", "?", ".", ",", "!!!", "??", "'", '"', "(", ")", "..."])
_token = st.tuples(_affix, _word, _shape, _affix).map(lambda t: t[0] + t[2](t[1]) + t[3])
_separator = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", ""])


@st.composite
def vaderish_text(draw):
    tokens = draw(st.lists(_token, max_size=25))
    return "".join(tok + draw(_separator) for tok in tokens)


@settings(max_examples=3000, deadline=None)
@given(text=vaderish_text())
def test_property_equal_to_vader_on_mixed_text(text):
    assert_same([text])


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200))
def test_property_equal_to_vader_on_arbitrary_text(text):
    assert_same([text])


def test_engine_is_parameterized():
    engine = VaderEngine(
        lexicon={"fab": 2.0, "meh": -1.0},
        emojis={"☃": "fab"},
        boosters={"mega": 0.5},
        negations={"nah"},
        special_cases={"fab meh": 3.0},
    )
    assert engine.compound("fab") > 0
    assert engine.compound("mega fab") > engine.compound("fab")
    assert engine.compound("nah fab") < 0
    assert engine.compound("☃") == engine.compound("fab")
    assert engine.compound("good") == 0.0  # VADER's own words do not leak in


def test_compound_of_matches_vader_arithmetic():
    assert compound_of([], "!!!") == 0.0
    assert (
        compound_of([1.5, 0, -0.5], "wow!!")
        == REFERENCE.score_valence([1.5, 0, -0.5], "wow!!")["compound"]
    )


def test_english_analyzer_is_the_engine_with_vaders_lexicon():
    assert isinstance(english_analyzer(), VaderEngine)
    assert english_analyzer().lexicon == REFERENCE.lexicon
