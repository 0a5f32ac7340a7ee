"""Topic and term matching: word boundaries, case and accents, inflection, exclusions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.scoring.topics import TermMatcher, fold, term_pattern

TOPICS = TermMatcher(
    {
        "billing": {"it": ["bolletta", "addebito", "morosità"], "en": ["bill", "refund"]},
        "offers": {"it": ["offerta", "prezzo bloccato"], "en": ["discount"]},
        "careers": {"it": ["offerta di lavoro", "tecnico"], "en": ["career*"]},
        "sustainability": {"it": ["rinnovabil*"], "en": ["renewable*"]},
        "disclosure": {"any": ["#adv", "#ad", "link in bio", "100%", "🙄"]},
    },
    exclude={"offers": {"it": ["offerta di lavoro"]}},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La BOLLETTA di marzo", {"billing": ("BOLLETTA",)}),
        ("Le bollette sono arrivate", {"billing": ("bollette",)}),  # plural
        ("due addebiti doppi", {"billing": ("addebiti",)}),
        ("rischio di morosita", {"billing": ("morosita",)}),  # accent missing in the text
        ("Bills and refunds", {"billing": ("Bills", "refunds")}),  # English plural
        ("billionaire news", {}),  # word boundary
        ("nuove offerte luce", {"offers": ("offerte",)}),
        ("Prezzo   Bloccato per 2 anni", {"offers": ("Prezzo   Bloccato",)}),
        ("Offerta di lavoro: cerchiamo tecnici", {"careers": ("Offerta di lavoro", "tecnici")}),
        ("energie rinnovabili e renewables", {"sustainability": ("rinnovabili", "renewables")}),
        ("Careers page", {"careers": ("Careers",)}),
        ("#adv #adventure #ad", {"disclosure": ("#adv", "#ad")}),
        ("read the ad", {}),  # "#ad" needs its hash
        ("link in bio!", {"disclosure": ("link in bio",)}),
        ("sicuro al 100%", {"disclosure": ("100%",)}),
        ("certo 🙄", {"disclosure": ("🙄",)}),
        ("", {}),
    ],
)
def test_topics(text, expected):
    assert TOPICS.find(text) == expected


def test_italian_plural_with_h():
    matcher = TermMatcher({"t": {"it": ["tecnico", "lago"]}})
    assert matcher.find("i tecnici e i laghi") == {"t": ("tecnici", "laghi")}
    assert matcher.find("i tecnichi") == {"t": ("tecnichi",)}


def test_english_inflections():
    matcher = TermMatcher({"t": {"en": ["charge", "reply"]}})
    assert matcher.find("charged, charging, replies") == {"t": ("charged", "charging", "replies")}


def test_fold_keeps_length_and_strips_accents():
    text = "Perché è così? Più città"
    assert fold(text) == "perche e cosi? piu citta"
    assert len(fold(text)) == len(text)


def test_term_pattern_rejects_empty_terms():
    with pytest.raises(ValueError):
        term_pattern("   ")


def _every_start(matcher: TermMatcher, text: str) -> dict[str, tuple[str, ...]]:
    """``find`` without its pre-check: the buckets tried at every token start."""
    from monitoring.scoring.topics import token_starts

    folded = fold(text)
    indexed, find = matcher._indexed, matcher._candidate_starts
    matcher._indexed, matcher._candidate_starts = True, lambda f, i: token_starts(f)
    try:
        return matcher.find(text, folded)
    finally:
        matcher._indexed, matcher._candidate_starts = indexed, find


_PIECES = [
    "bolletta", "BOLLETTE", "bollettà", "addebiti", "morosità", "bills", "refunded", "offerta",
    "offerta di lavoro", "prezzo  bloccato", "tecnichi", "careers", "rinnovabilità", "#adv",
    "#ad", "#adventure", "link in bio", "100%", "🙄", "ßbolletta", "x_bill", "@bill", "l'offerta",
    "bill-", "e", "di", " ", "  ", "\u00a0", "\n", ",", ".", "!", "#", "@", "'", "’", "-", "_",
    "😡", "é", "İ",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12))
def test_pre_check_finds_what_every_start_finds(pieces):
    text = "".join(pieces)
    assert TOPICS.find(text) == _every_start(TOPICS, text)
