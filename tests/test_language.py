"""Language detection on short social text (issue 4: 'Language and sentiment')."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.scoring import language
from monitoring.scoring.evaluation import load_it_dev, load_vader_tweets
from monitoring.scoring.language import detect_language, detect_many, detector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il servizio clienti non risponde da tre giorni, pessimi", "it"),
        ("Bolletta sbagliata anche questo mese, vergogna", "it"),
        ("Che bello il nuovo spot, bravi!", "it"),
        ("perche' nessuno mi richiama?? e' assurdo", "it"),
        ("The support team was great and solved my problem fast", "en"),
        ("Worst customer service I've ever had. Never again.", "en"),
        ("El servicio es muy malo y nadie responde", "es"),
        ("Je suis très content de ce produit", "fr"),
        ("Ich bin nicht zufrieden mit dem Service", "de"),
        ("Não gostei do produto, chegou quebrado", "pt"),
        ("Me gusta mucho la comida con mi familia", "es"),  # shares la/con/mi with Italian
    ],
)
def test_detects_the_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("ok", "it", "it"),  # too short: the caller's hint wins
        ("ok", "en", "en"),
        ("Grazie mille!", None, "it"),  # the Italian lexicon knows more of its words
        ("Thanks, awesome!", None, "en"),
        ("😡😡😡", None, "it"),  # emoji only: scoreable, the product's home language
        ("😍", "en", "en"),
        (":-)", None, "it"),
        ("", None, None),
        ("   ", None, None),
        ("12345 !!!", None, None),
        ("@lumina https://example.com/x", None, None),
    ],
)
def test_short_texts_fall_back(text, hint, expected):
    assert detect_language(text, hint) == expected


def test_hint_is_ignored_when_the_text_is_long_enough():
    text = "I have been waiting for a refund for three weeks and nobody answers"
    assert detect_language(text, hint="it") == "en"


def test_detector_is_built_once_per_process():
    assert detector() is detector()


def test_detect_many_matches_detect_language():
    texts = ["Servizio ottimo, grazie", "Great service, thanks a lot", "", "Hola amigos, qué tal?"]
    assert detect_many(texts) == [detect_language(t) for t in texts]


def test_italian_dev_set_is_detected_as_italian():
    rows = load_it_dev()
    detected = [detect_language(r.text) for r in rows]
    assert detected.count("it") / len(rows) >= 0.99


def test_vader_tweets_are_detected_as_english():
    texts, _ = load_vader_tweets()
    detected = detect_many(texts)
    assert detected.count("en") / len(texts) >= 0.985


def test_stopword_shortcut_never_contradicts_the_model():
    texts = [r.text for r in load_it_dev()] + load_vader_tweets()[0][:1500]
    shortcut = [(t, language._by_stopwords(language._words(t))) for t in texts]
    taken = [(t, lang) for t, lang in shortcut if lang]
    assert len(taken) > len(texts) / 2  # the shortcut is what makes detection fast
    disagreements = [t for t, lang in taken if language._model_language(t) != lang]
    # The model itself errs on a few all-caps or hashtag-only tweets; the shortcut may be right.
    assert len(disagreements) <= len(taken) * 0.005


def test_texts_in_none_of_the_languages_are_left_unscored():
    assert detect_language("Привет, как дела у тебя сегодня вечером?") is None
    assert detect_language("Привет, как дела у тебя сегодня вечером?", hint="it") == "it"


def test_a_multiline_text_is_read_whole():
    text = "Bolletta sbagliata\nanche questo mese\nvergogna"
    assert detect_language(text) == "it"


def demo_texts_with_language(mentions: int) -> list[tuple[str, str]]:
    """(text, language it was written in) of a small demo year, taken from the generator."""
    import numpy as np

    from monitoring.demo import generator
    from monitoring.demo.texts import LANGS

    seen: dict[str, str] = {}
    table = generator._table

    def keep(demo, plat, native, handle, name, text, lang, *rest):
        seen.update(zip(text.to_pylist(), np.asarray(LANGS)[lang].tolist(), strict=True))
        return table(demo, plat, native, handle, name, text, lang, *rest)

    generator._table = keep
    try:
        for _ in generator.generate_items(mentions, seed=5):
            pass
    finally:
        generator._table = table
    return list(seen.items())


def test_demo_texts_the_stopwords_leave_open_are_mostly_right():
    """The texts the function words do not decide (mixed Italian and English, names of
    places): the generator knows each one's language."""
    undecided = [
        (text, lang)
        for text, lang in demo_texts_with_language(3000)
        if not language._by_stopwords(language._words(text))
        and len(language._words(text)) >= language.SHORT_TEXT_WORDS
    ]
    assert len(undecided) > 200
    right = sum(detect_language(text) == lang for text, lang in undecided)
    assert right / len(undecided) >= 0.97


def _whole_text_language(text: str, hint: str | None = None) -> str | None:
    """detect_language as it was before the per-chunk counts: the words of the whole text."""
    words = language._words(text)
    if len(words) < language.SHORT_TEXT_WORDS:
        return language._short_text_language(text, words, hint)
    return (
        language._by_stopwords(words)
        or language._model_language(text)
        or (hint.lower() if hint else None)
    )


_FUNCTION_WORDS = sorted(set().union(*language.STOPWORDS.values(), language.IT_COMMON))
_piece = st.one_of(
    st.sampled_from(_FUNCTION_WORDS),
    st.sampled_from(_FUNCTION_WORDS).map(str.upper),
    st.sampled_from(["bolletta", "refund", "l'app", "dell'offerta", "è", "E'", "perché"]),
    st.sampled_from(["@lumina", "http://x.it/a", "www.lumina.it", "#adv", "LM-123", "😡", ":)"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5),
)
_glue = st.sampled_from([" ", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "", ",", "'", "@"])


@st.composite
def _social_text(draw):
    return "".join(piece + draw(_glue) for piece in draw(st.lists(_piece, max_size=20)))


@settings(max_examples=3000, deadline=None)
@given(text=_social_text(), hint=st.sampled_from([None, "it", "en"]))
def test_per_chunk_counts_give_the_whole_texts_answer(text, hint):
    assert detect_language(text, hint) == _whole_text_language(text, hint)


def test_counts_of_a_very_long_text_do_not_spill_into_each_other():
    # Chunk counts are summed packed in one int: 65,536 words must not wrap to zero words (a
    # 16-bit field would, and the text would take the hint as a text too short to tell).
    assert detect_language("grazie " * 65_536, hint="en") == "it"
    assert detect_language("the and " * 40_000, hint="it") == "en"
