"""The rule engine on the default policy: each rule kind, Italian and English, with the false
positives that matter (an order code is no discount code, a delivery promise no miracle, an
apology no hostility), plus configuration errors and the policy version."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.config import ConfigError, parse_yaml_model
from monitoring.org import load_org
from monitoring.scoring.policy import (
    RULE_KINDS,
    PolicyConfig,
    PolicyEngine,
    Post,
    evaluate,
    load_policy,
    policy_version,
)
from monitoring.settings import DATA_DIR


@dataclass(frozen=True)
class FakeSentiment:
    lang: str | None = "it"
    compound: float | None = 0.0

    @property
    def label(self) -> str | None:
        if self.compound is None:
            return None
        return (
            "negative"
            if self.compound <= -0.05
            else "positive"
            if self.compound >= 0.05
            else "neutral"
        )


@pytest.fixture(scope="module")
def engine() -> PolicyEngine:
    return PolicyEngine(load_policy(DATA_DIR / "policy.yaml"), load_org(DATA_DIR / "org.yaml"))


def run(engine, text, team="marketing", channel="instagram", reply=False, compound=0.0):
    post = Post(text, team=team, channel=channel, in_reply_to="p1" if reply else None)
    return engine.evaluate(post, FakeSentiment(compound=compound))


# (text, team, channel, reply, compound, expected rule ids)
CASES = [
    # confidential
    (
        "Fatturato Q3 +12%, ma non ditelo in giro",
        "press_office",
        "linkedin",
        False,
        0,
        {"confidential.figures"},
    ),
    (
        "Q3 revenue up 12% — numbers not yet public",
        "press_office",
        "linkedin",
        False,
        0,
        {"confidential.figures", "confidential.markers"},
    ),
    (
        "Documento riservato: il piano per l'anno prossimo",
        "press_office",
        "linkedin",
        False,
        0,
        {"confidential.markers"},
    ),
    (
        "Internal only: the new pricing grid",
        "social_hub",
        "linkedin",
        False,
        0,
        {"confidential.markers"},
    ),
    (
        "Helios parte a marzo, restate sintonizzati",
        "social_hub",
        "instagram",
        False,
        0,
        {"confidential.code_names"},
    ),
    (
        "Mario, ho trovato la tua mail mario.rossi@gmail.com nel sistema",
        "customer_care",
        "facebook",
        True,
        0,
        {"confidential.email"},
    ),
    (
        "La richiamiamo al 347 123 4567 entro oggi",
        "customer_care",
        "facebook",
        True,
        0,
        {"confidential.phone"},
    ),
    (
        "Il rimborso va su IT60 X054 2811 1010 0000 0123 456",
        "customer_care",
        "facebook",
        True,
        0,
        {"confidential.iban"},
    ),
    (
        "IBAN IT60X0542811101000000123456 risulta corretto",
        "customer_care",
        "facebook",
        True,
        0,
        {"confidential.iban"},
    ),
    (
        "CF del cliente: RSSMRA85T10A562S",
        "customer_care",
        "facebook",
        True,
        0,
        {"confidential.codice_fiscale"},
    ),
    # competitor
    (
        "Meglio di Voltaris, provare per credere",
        "marketing",
        "instagram",
        False,
        0,
        {"competitor.named"},
    ),
    (
        "Enerlux? Una truffa, state alla larga",
        "marketing",
        "instagram",
        False,
        0,
        {"competitor.named", "competitor.disparaged"},
    ),
    (
        "GreenWatt is the worst, switch to us",
        "marketing",
        "instagram",
        False,
        0,
        {"competitor.named", "competitor.disparaged"},
    ),
    # profanity
    ("Che giornata di merda", "marketing", "instagram", False, 0, {"profanity.vulgar"}),
    ("This is bullshit", "marketing", "instagram", False, 0, {"profanity.vulgar"}),
    # disclosure
    (
        "Usa il codice SCONTO20 per il 20% di sconto! Link in bio",
        "marketing",
        "instagram",
        False,
        0,
        {"disclosure.missing"},
    ),
    (
        "Use code XYZ10 at checkout, link in bio",
        "marketing",
        "instagram",
        False,
        0,
        {"disclosure.missing"},
    ),
    ("Offerta lampo solo per oggi!", "marketing", "instagram", False, 0, {"disclosure.missing"}),
    ("Usa il codice SCONTO20 #adv", "marketing", "instagram", False, 0, set()),
    ("Use code XYZ10 #sponsored", "marketing", "instagram", False, 0, set()),
    # claims
    ("Risparmio garantito al 100%!", "marketing", "instagram", False, 0, {"claims.absolute"}),
    ("Una tariffa miracolosa", "marketing", "instagram", False, 0, {"claims.absolute"}),
    ("Switch risk-free today", "marketing", "instagram", False, 0, {"claims.absolute"}),
    # competence and channel
    (
        "Lavora con noi: aperte le candidature",
        "marketing",
        "instagram",
        False,
        0,
        {"competence.outside"},
    ),
    ("Nuove offerte per la casa", "marketing", "linkedin", False, 0, {"channel.unassigned"}),
    # tone (replies only)
    (
        "È colpa sua, avrebbe dovuto leggere il contratto",
        "customer_care",
        "x_care",
        True,
        -0.3,
        {"tone.blame"},
    ),
    ("You should have read the terms", "customer_care", "x_care", True, 0, {"tone.blame"}),
    ("Non ci interessa, arrangiati", "customer_care", "x_care", True, -0.7, {"tone.hostile"}),
    ("QUESTO NON È UN NOSTRO PROBLEMA", "customer_care", "x_care", True, 0, {"tone.shouting"}),
    ("Abbiamo già risposto!!!", "customer_care", "x_care", True, 0, {"tone.shouting"}),
    ("Certo, come no 🙄", "customer_care", "x_care", True, 0, {"tone.sarcasm"}),
    # false positives that matter
    ("Il suo ordine 4837-AB è in consegna domani", "customer_care", "facebook", True, 0, set()),
    (
        "Per la pratica n. AB123 le scriviamo in privato",
        "customer_care",
        "facebook",
        True,
        0,
        set(),
    ),
    ("Garantiamo la spedizione in 48 ore", "customer_care", "facebook", False, 0, set()),
    (
        "Ci scusiamo moltissimo per il disagio, il guasto è grave",
        "customer_care",
        "x_care",
        True,
        -0.8,
        set(),
    ),
    ("We're so sorry for the terrible outage", "customer_care", "x_care", True, -0.7, set()),
    (
        "Acceda all'area riservata per scaricare la bolletta",
        "customer_care",
        "facebook",
        True,
        0,
        set(),
    ),
    (
        "Scriva a assistenza@luminaenergia.it o chiami l'800 123 456",
        "customer_care",
        "facebook",
        True,
        0,
        set(),
    ),
    ("Riduciamo la CO2 del 30% entro il 2030", "social_hub", "linkedin", False, 0, set()),
    (
        "Vi aspettiamo sabato!!! Festa al Lumina Point",
        "stores",
        "facebook",
        False,
        0,
        set(),
    ),  # not a reply
    ("Il numero verde è attivo H24", "customer_care", "facebook", True, 0, set()),
    # seen in the demo data: ticket numbers, and polite replies the sentiment model finds negative
    ("Le abbiamo scritto per la pratica LM-0370140", "customer_care", "x_care", True, 0, set()),
    ("Segnalazione registrata con il numero 0283417", "customer_care", "x_care", True, 0, set()),
    (
        "C'è un problema noto con l'app, la correzione arriva presto. Grazie per la pazienza.",
        "customer_care",
        "x_care",
        True,
        -0.7,
        set(),
    ),
    ("Thanks for your patience, the error is fixed", "customer_care", "x_care", True, -0.6, set()),
    # an explanation of an error on the company's side is factual, not hostile (demo data: the
    # Italian model scores it -0.66 to -0.72)
    (
        "Il doppio addebito è dovuto a un errore tecnico: il rimborso sarà automatico",
        "customer_care",
        "x_care",
        True,
        -0.69,
        set(),
    ),
    (
        "Il doppio addebito è dovuto a un errore tecnico, ci scusiamo",
        "customer_care",
        "x_care",
        True,
        -0.72,
        set(),
    ),
    (
        "Il problema è dovuto a un guasto della rete, i tecnici sono al lavoro",
        "customer_care",
        "x_care",
        True,
        -0.67,
        set(),
    ),
    (
        "The double charge was a billing error on our side",
        "customer_care",
        "x_care",
        True,
        -0.6,
        set(),
    ),
    # ... but an error word does not excuse hostility aimed at the customer
    (
        "Il problema è vostro, non nostro: arrangiatevi",
        "customer_care",
        "x_care",
        True,
        -0.7,
        {"tone.hostile"},
    ),
]


@pytest.mark.parametrize(("text", "team", "channel", "reply", "compound", "expected"), CASES)
def test_rule_table(engine, text, team, channel, reply, compound, expected):
    result = run(engine, text, team, channel, reply, compound)
    assert {h.rule for h in result.hits} == expected
    assert result.flagged is bool(expected)


def test_hit_carries_rule_category_severity_and_evidence(engine):
    result = run(engine, "Usa il codice SCONTO20, link in bio")
    (hit,) = result.hits
    data = hit.as_dict()
    assert (data["rule"], data["category"], data["severity"]) == (
        "disclosure.missing",
        "disclosure",
        "medium",
    )
    assert "link in bio" in data["evidence"]
    assert any("SCONTO20" in words for words in data["evidence"])


def test_evidence_keeps_the_original_spelling(engine):
    result = run(engine, "Il FATTURATO del Q3 è +12%", team="press_office", channel="linkedin")
    assert result.hits[0].evidence == ("FATTURATO del Q3 è +12%",)


def test_mentions_get_topics_and_risk_but_no_hits_or_flags(engine):
    post = Post("Bolletta sbagliata, siete dei ladri di merda", kind="mention", reach=50_000)
    result = engine.evaluate(post, FakeSentiment(compound=-0.9))
    assert result.topics == ("billing",)
    assert result.hits == ()
    assert result.risk > 40
    assert result.flagged is False


def test_volume_rule_needs_history(engine):
    text = "Nuove offerte per la casa"
    quiet = Post(text, team="marketing", channel="instagram")
    normal = Post(
        text,
        team="marketing",
        channel="instagram",
        member_posts_that_day=4,
        member_daily_baseline=2,
    )
    burst = Post(
        text,
        team="marketing",
        channel="instagram",
        member_posts_that_day=12,
        member_daily_baseline=1.5,
    )
    rules = [
        {h.rule for h in engine.evaluate(p, FakeSentiment()).hits} for p in (quiet, normal, burst)
    ]
    assert rules == [set(), set(), {"volume.burst"}]
    assert engine.evaluate(burst, FakeSentiment()).flagged is True


def test_competence_modes(engine):
    org = load_org(DATA_DIR / "org.yaml")
    policy = load_policy(DATA_DIR / "policy.yaml")
    text = "Cerchiamo addetti per i Lumina Point: candidatura su lavora con noi"  # careers + stores
    post = Post(text, team="hr_employer", channel="linkedin")
    assert engine.evaluate(post, FakeSentiment()).hits == ()  # also about its own topic
    strict_rules = [
        r.model_copy(update={"mode": "any_outside"}) if r.kind == "competence" else r
        for r in policy.rules
    ]
    strict = PolicyEngine(policy.model_copy(update={"rules": strict_rules}), org)
    (hit,) = strict.evaluate(post, FakeSentiment()).hits
    assert hit.evidence == ("stores: Lumina Point",)


def test_unknown_sentiment_is_no_risk_and_no_hostility(engine):
    result = engine.evaluate(Post("Grr", in_reply_to="x"), FakeSentiment(lang=None, compound=None))
    assert result.hits == () and result.risk == 0 and result.compound is None


def test_module_level_evaluate_caches_the_engine():
    policy = load_policy(DATA_DIR / "policy.yaml")
    org = load_org(DATA_DIR / "org.yaml")
    first = evaluate(Post("Helios!"), policy, org, FakeSentiment())
    again = evaluate(Post("Helios!"), policy, org, FakeSentiment())
    assert first == again and first.flagged


def test_every_rule_kind_is_used_by_the_default_policy():
    policy = load_policy(DATA_DIR / "policy.yaml")
    assert {r.kind for r in policy.rules} == {k.key for k in RULE_KINDS}
    categories = {r.category for r in policy.rules}
    for needed in (
        "confidential",
        "competitor",
        "profanity",
        "disclosure",
        "claims",
        "competence",
        "tone",
        "channel",
    ):
        assert needed in categories


def test_version_changes_with_content_not_comments():
    text = (DATA_DIR / "policy.yaml").read_text()
    org = load_org(DATA_DIR / "org.yaml")
    base = policy_version(parse_yaml_model(text, PolicyConfig, "p.yaml"), org)
    commented = policy_version(parse_yaml_model("# note\n" + text, PolicyConfig, "p.yaml"), org)
    edited = policy_version(
        parse_yaml_model(text.replace("min_posts: 8", "min_posts: 9"), PolicyConfig, "p.yaml"), org
    )
    assert base == commented
    assert base != edited
    assert base.startswith("2026.11+")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "version: '1'\nrules:\n  - id: a\n    kind: terms\n    category: x\n    severity: huge\n"
            "    description: d\n    words: {it: [a]}\n",
            "p.yaml:3: rules[0].terms.severity: Input should be",
        ),
        (
            "version: '1'\nrules:\n  - id: a\n    kind: regex\n    category: x\n    severity: low\n"
            "    description: d\n    patterns: ['(']\n",
            "p.yaml:3: rules[0].regex.patterns: Value error, bad regular expression",
        ),
        (
            "version: '1'\nrules:\n  - id: a\n    kind: nope\n    category: x\n    severity: low\n"
            "    description: d\n",
            "p.yaml:3: rules[0]: Input tag 'nope'",
        ),
        ("version: '1'\nrules: []\n", "p.yaml:2: rules: List should have at least 1 item"),
        (
            "version: '1'\nrules:\n  - id: a\n    kind: channel\n    category: x\n    severity: low\n"
            "    description: d\n  - id: a\n    kind: channel\n    category: x\n    severity: low\n"
            "    description: d\n",
            "duplicate rule id 'a'",
        ),
    ],
)
def test_config_errors_name_file_line_and_field(yaml_text, message):
    with pytest.raises(ConfigError) as err:
        parse_yaml_model(yaml_text, PolicyConfig, "p.yaml")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_policy_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="file not found"):
        load_policy(tmp_path / "policy.yaml")


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=300),
    compound=st.one_of(st.none(), st.floats(-1, 1)),
    reply=st.booleans(),
)
def test_arbitrary_text_never_crashes(engine, text, compound, reply):
    post = Post(text, team="customer_care", channel="x_care", in_reply_to="x" if reply else None)
    result = engine.evaluate(post, FakeSentiment(compound=compound))
    assert 0 <= result.risk <= 100


# --- the regex rules' pre-checks -------------------------------------------------------------


def test_case_twins_are_every_non_ascii_character_ignorecase_takes_for_an_ascii_letter():
    from monitoring.scoring.regex_prechecks import _CASE_TWIN

    letter = re.compile("[a-z]", re.IGNORECASE)
    twins = {chr(c) for c in range(0x80, 0x110000) if letter.fullmatch(chr(c))}
    assert twins == {chr(c) for c in range(0x80, 0x110000) if _CASE_TWIN.fullmatch(chr(c))}


def _regex_cases() -> list[tuple[str, int, bool]]:
    """(pattern, flags, on_folded) of the default policy, plus shapes it does not use yet."""
    cases = []
    for rule in load_policy(DATA_DIR / "policy.yaml").rules:
        if rule.kind == "regex":
            flags = 0 if rule.case_sensitive else re.IGNORECASE
            cases += [(p, flags, rule.on_folded) for p in rule.patterns]
        elif rule.kind == "promo_disclosure":
            cases += [(p, 0, False) for p in rule.code_patterns]
    extra = [r"\b(?:ab|cd)[xy]?\b", r"(?i:\b(?:sale|ſale)\b)", r"\bz[a-z0-9_]{5}", r"\d\d-\d"]
    return cases + [(p, f, o) for p in extra for f in (0, re.IGNORECASE) for o in (False, True)]


_REGEX_CASES = _regex_cases()
_REGEX_PIECES = [
    "fatturato", "Fatturato", "FATTURATO", "ricavi", "utili", "profit", "profits", "EBIT",
    "q3", "Q4", "trimestre", "+", "-", "−", "12", "3,5", "%", " ", "  ", "\n", ".", ",", ":",
    "milioni", "mln", "€", "mario.rossi", "@", "gmail.com", "+39", "347", "1234567", "02",
    "IT60", "X054", "2811101000000123456", "RSSMRA85T10A562S", "SCONTO20", "COVID19",
    "codice", "CODE", "coupon", "«", "“", "ABCD12", "di sconto", "off", "ab", "cd", "x",
    "zeta12", "z_", "sale", "İ", "ı", "ſ", "K", "é", "😡", "٣", "١٢", "ß", "_", "#", "'",
]  # fmt: skip


def _assert_pre_checks_keep(text: str) -> None:
    from monitoring.scoring.policy import _text_doc
    from monitoring.scoring.regex_prechecks import may_match as _may_match
    from monitoring.scoring.topics import TextIndex, fold

    folded = fold(text)
    doc = _text_doc(text, TextIndex(folded), "it", 0.0)
    for pattern, flags, on_folded in _REGEX_CASES:
        may_match = _may_match(pattern, flags, on_folded)
        if may_match is not None and re.search(pattern, folded if on_folded else text, flags):
            assert may_match(doc), (pattern, text)


@pytest.mark.parametrize(
    "text",
    [
        "ſales +12%",  # IGNORECASE takes ſ for s: "sales" is no word of the ASCII index
        "utİlİ 5 milioni",  # İ for i, and lower() makes it two characters
        "codİce ABCD12",
        "chiama 0١٢٣٤٥٦٧",  # \\d takes other scripts' digits: they count for the phone
        "IT٦٠X0542811101000000123456",  # ... and are no ASCII digits of the index
        "RſSMRA85T10A562S",
        "Il fatturato Q3 +12%, sales 3 bn; tel. 347 123 4567, RSSMRA85T10A562S 😡",
    ],
)
def test_regex_pre_checks_keep_these_matches(text):
    _assert_pre_checks_keep(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_REGEX_PIECES) | st.text(max_size=3), max_size=12))
def test_regex_pre_checks_never_skip_a_text_with_a_match(pieces):
    _assert_pre_checks_keep("".join(pieces))
