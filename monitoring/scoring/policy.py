"""The social-media policy (``data/policy.yaml``) and the rule engine that applies it to a post.

Rules are data: each entry of ``rules:`` names a *kind*, and each kind is a small class in
``RULE_KINDS`` with a key, a human description and a check. Text kinds (terms, regex,
promotional without disclosure, competitor, sentiment, shouting) look only at the words and
the sentiment, so the scoring pipeline runs them once per distinct text in worker processes;
context kinds (competence, channel, volume) look at who posted where, and run per item.

Pure: no DuckDB, no Streamlit. Sentiment comes in from the caller (anything with ``lang``,
``compound`` and ``label``), so the engine is testable without the sentiment models.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitoring.config import load_yaml_model
from monitoring.org import OrgConfig
from monitoring.scoring import regex_prechecks
from monitoring.scoring.risk import RiskInputs, RiskSettings, Severity, risk_parts, risk_score
from monitoring.scoring.topics import TermGate, TermMatcher, TextIndex, fold
from monitoring.scoring.validators import VALIDATORS

Lang = Literal["it", "en", "any"]
TermLists = dict[Lang, list[str]]
Evidence = tuple[str, ...]
RULE_ID = r"^[a-z0-9_][a-z0-9_.\-]*$"


class SentimentLike(Protocol):
    lang: str | None
    compound: float | None

    @property
    def label(self) -> str | None: ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex_list(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


def _nonempty_terms(value: TermLists) -> TermLists:
    if not any(value.values()):
        raise ValueError("needs at least one term")
    return value


# --- what a rule looks at ------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: a frozen init costs 0.8 µs per staff text, this 0.2
class Doc:
    """A text as the text rules see it: as written, folded, and its sentiment (read only)."""

    text: str
    folded: str
    index: TextIndex  # its words and gate bits, shared by the text rules' pre-checks
    lang: str | None
    compound: float | None

    # For the regex rules' pre-checks (monitoring.scoring.regex_prechecks):
    plain: bool  # no character that IGNORECASE matches with an ASCII letter (İ ı ſ K)
    digits: int | None  # how many characters \\d matches in the text (None: not counted)


def _text_doc(text: str, index: TextIndex, lang: str | None, compound: float | None) -> Doc:
    """``text`` as the text rules see it (``index`` is of its folded form)."""
    plain, digits = regex_prechecks.text_traits(text, index)
    folded = index.folded
    return Doc(text, folded, index, lang, compound, plain, digits)


@dataclass(frozen=True)
class Post:
    """One post to evaluate. Only ``text`` is required; the rest sharpens rules and risk."""

    text: str
    team: str | None = None
    channel: str | None = None
    kind: str = "staff"  # "staff" | "mention"
    in_reply_to: str | None = None
    author: str | None = None
    created_at: datetime | None = None
    lang_hint: str | None = None
    reach: int | None = None
    engagement: int = 0  # likes + shares + replies
    hours_observed: float | None = None
    negative_replies: int = 0
    member_posts_that_day: int | None = None
    member_daily_baseline: float | None = None  # mean posts/day over the previous 28 days


TextCheck = Callable[[Doc], Evidence]
ContextCheck = Callable[[Post, dict[str, Evidence]], Evidence]


# --- rule kinds ----------------------------------------------------------------------------


class RuleBase(_Strict):
    key: ClassVar[str]
    about: ClassVar[str]
    context: ClassVar[bool] = False  # True: needs the post's team/channel/history
    # True: no evidence unless one of the rule's term lists matches, so the engine skips the
    # rule when the shared pre-check (TermGate) rules all of them out.
    needs_terms: ClassVar[bool] = False

    id: str = Field(pattern=RULE_ID)
    category: str = Field(pattern=r"^[a-z_]+$")
    severity: Severity
    weight: float = Field(default=1.0, ge=0, le=3)
    description: str = Field(min_length=1)
    scope: Literal["all", "replies", "originals"] = "all"

    def applies_to(self, post: Post) -> bool:
        if self.scope == "replies":
            return post.in_reply_to is not None
        if self.scope == "originals":
            return post.in_reply_to is None
        return True


class TermsRule(RuleBase):
    key: ClassVar[str] = "terms"
    about: ClassVar[str] = "any of a list of words or phrases (inflections and accents included)"
    needs_terms: ClassVar[bool] = True
    kind: Literal["terms"]
    words: TermLists  # not "terms": a field named like a kind would confuse error locations
    exclude: TermLists = {}

    _check_words = field_validator("words")(_nonempty_terms)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        matcher = TermMatcher({self.id: self.words}, {self.id: self.exclude}, gate)
        return lambda doc: matcher.find(doc.text, doc.folded, doc.index).get(self.id, ())


class RegexRule(RuleBase):
    key: ClassVar[str] = "regex"
    about: ClassVar[str] = "a regular expression, each match confirmed by a validator"
    kind: Literal["regex"]
    patterns: list[str] = Field(min_length=1)
    validator: Literal["email", "phone", "iban", "codice_fiscale"] | None = None
    allow: list[str] = []  # matches that also match one of these are not hits
    case_sensitive: bool = False
    on_folded: bool = False  # match on the lower-cased, accent-free text
    needs: str = ""  # skip texts containing none of these characters (a cheap pre-check)

    _check_patterns = field_validator("patterns", "allow")(_regex_list)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        pattern = re.compile("|".join(f"(?:{p})" for p in self.patterns), flags)
        allow = re.compile("|".join(f"(?:{p})" for p in self.allow), re.I) if self.allow else None
        valid = VALIDATORS[self.validator] if self.validator else None

        # One search for any of the ``needs`` characters, in C.
        needs = re.compile(f"[{re.escape(self.needs)}]") if self.needs else None
        on_folded = self.on_folded
        may_match = regex_prechecks.may_match_any(self.patterns, flags, on_folded)

        def check(doc: Doc) -> Evidence:
            if needs is not None and needs.search(doc.text) is None:
                return ()
            if not may_match(doc):
                return ()
            found: list[str] = []
            aligned = len(doc.folded) == len(doc.text)
            for m in pattern.finditer(doc.folded if on_folded else doc.text):
                # Evidence as written: folding keeps offsets, so the span fits the original.
                value = (doc.text[m.start() : m.end()] if aligned else m.group()).strip()
                if valid is not None:
                    value = _longest_valid(value, valid)
                    if value is None:
                        continue
                if allow is not None and allow.search(value):
                    continue
                if value not in found:
                    found.append(value)
            return tuple(found)

        return check


# "n.", "nr", "#", ":" between a word and the code it introduces
_NUMBER_SIGN = re.compile(r"(?:\s*(?:\bn\.?|\bnr\.?|\bnum\.?|#|:|°))*\s*$")


def _longest_valid(value: str, valid: Callable[[str], bool]) -> str | None:
    """``value`` or its longest prefix ending at a space that passes ``valid``.

    Patterns that allow spaces inside a code ("IT60 X054 ...") may run on into the next
    word; backing off word by word finds the code itself.
    """
    while True:
        if valid(value):
            return value
        head, _, _ = value.rpartition(" ")
        if not head:
            return None
        value = head.rstrip()


class PromoDisclosureRule(RuleBase):
    key: ClassVar[str] = "promo_disclosure"
    about: ClassVar[str] = "promotional content (discount codes, promo phrases) without #adv/#ad"
    kind: Literal["promo_disclosure"]
    markers: TermLists  # one is enough ("link in bio", "codice sconto")
    weak_markers: TermLists = {}  # min_weak of them are needed ("sconto", "promo")
    min_weak: int = Field(default=2, ge=1)
    # Discount codes ("SCONTO20", "codice XYZ10") and percentages, matched as written.
    code_patterns: list[str] = []
    not_codes_after: TermLists = {}  # a code right after these words is an order/ticket number
    disclosures: TermLists

    _check_patterns = field_validator("code_patterns")(_regex_list)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        strong = TermMatcher({"m": self.markers}, gate=gate)
        weak = TermMatcher({"w": self.weak_markers}, gate=gate)
        disclosed = TermMatcher({"d": self.disclosures}, gate=gate)
        codes = re.compile("|".join(f"(?:{p})" for p in self.code_patterns or ["(?!x)x"]))
        not_after = TermMatcher({"n": self.not_codes_after})
        may_match = regex_prechecks.may_match_any(self.code_patterns, 0, False)

        def discount_codes(doc: Doc) -> list[str]:
            if not may_match(doc):
                return []
            out = []
            for m in codes.finditer(doc.text):
                before = _NUMBER_SIGN.sub("", doc.folded[max(0, m.start() - 30) : m.start()])
                words = before.split()
                if words and not_after.find(words[-1]):
                    continue  # "ordine 4837-AB", "pratica n. AB123": a reference, not a code
                out.append(m.group().strip())
            return out

        def check(doc: Doc) -> Evidence:
            found = list(
                strong.find(doc.text, doc.folded, doc.index).get("m", ())
            ) + discount_codes(doc)
            weak_found = weak.find(doc.text, doc.folded, doc.index).get("w", ())
            if len({fold(w) for w in weak_found}) >= self.min_weak:
                found += weak_found
            if not found or disclosed.find(doc.text, doc.folded, doc.index):
                return ()
            return tuple(dict.fromkeys(found))

        return check


class CompetitorRule(RuleBase):
    key: ClassVar[str] = "competitor"
    about: ClassVar[str] = "names a competitor from org.yaml (or disparages one)"
    needs_terms: ClassVar[bool] = True
    kind: Literal["competitor"]
    mode: Literal["name", "disparage"] = "name"
    disparaging: TermLists = {}

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        lists = {c.id: {"any": [c.name, *c.aliases]} for c in org.brand.competitors}
        names = TermMatcher(lists, gate=gate)
        bad = TermMatcher({"bad": self.disparaging}, gate=gate)

        def check(doc: Doc) -> Evidence:
            found = names.find(doc.text, doc.folded, doc.index)
            if not found:
                return ()
            words = tuple(w for ws in found.values() for w in ws)
            if self.mode == "name":
                return words
            insults = bad.find(doc.text, doc.folded, doc.index).get("bad", ())
            return words + insults if insults else ()

        return check


class SentimentRule(RuleBase):
    key: ClassVar[str] = "sentiment"
    about: ClassVar[str] = "sentiment at or below a limit (hostile), unless an apology softens it"
    kind: Literal["sentiment"]
    max_compound: float = Field(default=-0.5, ge=-1, le=1)
    unless: TermLists = {}

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        softeners = TermMatcher({"u": self.unless}, gate=gate)

        def check(doc: Doc) -> Evidence:
            if doc.compound is None or doc.compound > self.max_compound:
                return ()
            if softeners.find(doc.text, doc.folded, doc.index):
                return ()
            return (f"sentiment {doc.compound:+.2f}",)

        return check


_CAPS_WORD = re.compile(r"\b[A-ZÀ-Ý]{2,}\b")
_TWO_CAPS = re.compile(r"[A-ZÀ-Ý]{2}")
_LETTER = re.compile(r"[^\W\d_]")


class ShoutingRule(RuleBase):
    key: ClassVar[str] = "shouting"
    about: ClassVar[str] = "shouting: a run of words in capitals, or !!!"
    kind: Literal["shouting"]
    min_caps_words: int = Field(default=3, ge=1)
    min_caps_share: float = Field(default=0.7, gt=0, le=1)
    min_letters: int = Field(default=12, ge=1)
    exclamations: int = Field(default=3, ge=2)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> TextCheck:
        bangs = re.compile(rf"[!?]*!{{{self.exclamations},}}[!?]*|[!?]{{{self.exclamations + 1},}}")
        # Every match of ``bangs`` holds a run of ``exclamations`` characters of [!?], and every
        # capitals word two capitals in a row. These searches open with a character class, so
        # re skips to candidates in C (1 µs per post) instead of trying each offset (2-5 µs).
        some_bangs = re.compile(rf"[!?]{{{self.exclamations}}}")
        # Most posts have neither: one scan for both. It opens with one class (of both first
        # characters), so re skips in C; "a|b" would try both alternatives at every offset.
        n = self.exclamations - 1
        either = re.compile(rf"[!?A-ZÀ-Ý](?:(?<=[!?])[!?]{{{n}}}|(?<=[A-ZÀ-Ý])[A-ZÀ-Ý])")

        def check(doc: Doc) -> Evidence:
            text = doc.text
            if either.search(text) is None:
                return ()
            found: list[str] = []
            if some_bangs.search(text):
                found = [m.group() for m in bangs.finditer(text)][:1]
            if not _TWO_CAPS.search(text):
                return tuple(found)
            caps = _CAPS_WORD.findall(text)
            if len(caps) < self.min_caps_words:
                return tuple(found)  # most posts: no need to count every letter
            letters = _LETTER.findall(text)
            upper = sum(1 for ch in letters if ch.isupper())
            if len(letters) >= self.min_letters and upper / len(letters) >= self.min_caps_share:
                found.append(" ".join(caps[:6]))
            return tuple(found)

        return check


class CompetenceRule(RuleBase):
    key: ClassVar[str] = "competence"
    about: ClassVar[str] = "the post's topics are outside its team's competences"
    context: ClassVar[bool] = True
    kind: Literal["competence"]
    # "only_outside": every topic of the post is outside the competences (an HR job ad for
    # store staff names the stores topic but is about careers); "any_outside": one is enough.
    mode: Literal["only_outside", "any_outside"] = "only_outside"

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        competences = {t.id: set(t.competences) for t in org.teams}

        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            allowed = competences.get(post.team or "")
            if not allowed:  # unknown team, or a team without declared competences
                return ()
            if self.mode == "only_outside" and any(topic in allowed for topic in topics):
                return ()
            return tuple(
                f"{topic}: {', '.join(words)}"
                for topic, words in topics.items()
                if topic not in allowed
            )

        return check


class ChannelRule(RuleBase):
    key: ClassVar[str] = "channel"
    about: ClassVar[str] = "posted on a channel not assigned to the team"
    context: ClassVar[bool] = True
    kind: Literal["channel"]

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        channels = {t.id: set(t.channels) for t in org.teams}

        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            allowed = channels.get(post.team or "")
            if allowed is None or not post.channel or post.channel in allowed:
                return ()
            return (post.channel,)

        return check


class VolumeRule(RuleBase):
    key: ClassVar[str] = "volume"
    about: ClassVar[str] = "a member posting far above their own daily baseline"
    context: ClassVar[bool] = True
    kind: Literal["volume"]
    factor: float = Field(default=3.0, gt=1)
    min_posts: int = Field(default=8, ge=1)
    baseline_floor: float = Field(default=1.0, gt=0)

    def compile(self, org: OrgConfig, gate: TermGate | None = None) -> ContextCheck:
        def check(post: Post, topics: dict[str, Evidence]) -> Evidence:
            count = post.member_posts_that_day
            if count is None or post.member_daily_baseline is None:
                return ()  # no history (e.g. `check` on one post): the rule cannot judge
            baseline = max(post.member_daily_baseline, self.baseline_floor)
            if count < self.min_posts or count < self.factor * baseline:
                return ()
            return (f"{count} posts that day vs {post.member_daily_baseline:.1f}/day usually",)

        return check


RULE_KINDS: tuple[type[RuleBase], ...] = (
    TermsRule,
    RegexRule,
    PromoDisclosureRule,
    CompetitorRule,
    SentimentRule,
    ShoutingRule,
    CompetenceRule,
    ChannelRule,
    VolumeRule,
)
Rule = Annotated[
    TermsRule
    | RegexRule
    | PromoDisclosureRule
    | CompetitorRule
    | SentimentRule
    | ShoutingRule
    | CompetenceRule
    | ChannelRule
    | VolumeRule,
    Field(discriminator="kind"),
]


# --- the policy file -----------------------------------------------------------------------


class Topic(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: dict[Literal["it", "en"], str] = {}
    keywords: TermLists
    exclude: TermLists = {}

    _check_keywords = field_validator("keywords")(_nonempty_terms)


class PolicyConfig(_Strict):
    version: str = Field(min_length=1)
    risk: RiskSettings = RiskSettings()
    topics: list[Topic] = []
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> PolicyConfig:
        for what, ids in (
            ("topic", [t.id for t in self.topics]),
            ("rule", [r.id for r in self.rules]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id {dupes[0]!r}")
        return self


def load_policy(path: str | Path) -> PolicyConfig:
    """Read and validate policy.yaml; errors name file, line and field (``ConfigError``)."""
    return load_yaml_model(path, PolicyConfig)


def policy_version(policy: PolicyConfig, org: OrgConfig) -> str:
    """``version`` plus a hash of what the rules read: the policy and org's competitors/teams.

    Editing a keyword, a weight or a team's competences changes the hash, so ``score``
    rescores; comments and formatting do not.
    """
    content = {
        "policy": policy.model_dump(mode="json"),
        "competitors": [c.model_dump(mode="json") for c in org.brand.competitors],
        "teams": {t.id: [t.channels, t.competences] for t in org.teams},
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:10]
    return f"{policy.version}+{digest}"


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    rule: str
    category: str
    severity: str
    weight: float
    evidence: Evidence

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class TextFacts:
    """What depends on the text alone: computed once per distinct text (picklable)."""

    lang: str | None
    compound: float | None
    label: str | None
    topics: tuple[tuple[str, Evidence], ...]
    text_hits: tuple[tuple[int, Evidence], ...]  # (index into policy.rules, evidence)


@dataclass(frozen=True)
class Evaluation:
    lang: str | None
    compound: float | None
    label: str | None
    topics: tuple[str, ...]
    hits: tuple[Hit, ...]
    risk: float
    flagged: bool
    explanation: dict[str, Any] = field(default_factory=dict)


class PolicyEngine:
    """A policy compiled against an organization; reuse it for many posts."""

    def __init__(self, policy: PolicyConfig, org: OrgConfig):
        self.policy = policy
        self.org = org
        self.version = policy_version(policy, org)
        self._topics = TermMatcher(
            {t.id: t.keywords for t in policy.topics}, {t.id: t.exclude for t in policy.topics}
        )
        # The text rules' term matchers share one pre-check per text (see TermGate).
        self._gate = TermGate()
        # (index, gate bits of its term lists or None: always run, check)
        self._text: list[tuple[int, int | None, TextCheck]] = []
        self._context: list[tuple[int, ContextCheck]] = []
        for index, rule in enumerate(policy.rules):
            mark = self._gate.mark()
            check = rule.compile(org, self._gate)
            if rule.context:
                self._context.append((index, check))
            else:
                bits = self._gate.bits_since(mark) if rule.needs_terms else None
                self._text.append((index, bits, check))
        self._gate.seal()

    def analyze_text(
        self, text: str, sentiment: SentimentLike, with_rules: bool = True
    ) -> TextFacts:
        """Topics and text-rule evidence of ``text``; ``with_rules=False`` for mentions."""
        folded = fold(text)
        index = TextIndex(folded, self._gate if with_rules else None)
        topics = tuple(self._topics.find(text, folded, index).items())
        hits = ()
        if with_rules:
            doc = _text_doc(text, index, sentiment.lang, sentiment.compound)
            live = index.live
            hits = tuple(
                (i, ev)
                for i, bits, check in self._text
                if (bits is None or bits & live) and (ev := check(doc))
            )
        return TextFacts(sentiment.lang, sentiment.compound, sentiment.label, topics, hits)

    def topic_ids(self, text: str) -> tuple[str, ...]:
        """The ids of ``text``'s topics, in order of appearance (a mention's: no evidence kept,
        no rules run)."""
        return tuple(self._topics.find(text))

    def finish(self, post: Post, facts: TextFacts) -> Evaluation:
        """Add the context rules and the risk to a text's facts for one particular post."""
        rules = self.policy.rules
        topics = dict(facts.topics)
        hits: list[Hit] = []
        if post.kind == "staff":
            found = list(facts.text_hits)
            found += [(i, ev) for i, check in self._context if (ev := check(post, topics))]
            found.sort()
            for index, evidence in found:
                rule = rules[index]
                if rule.applies_to(post):
                    hits.append(Hit(rule.id, rule.category, rule.severity, rule.weight, evidence))
        settings = self.policy.risk
        parts = risk_parts(
            RiskInputs(
                kind=post.kind,
                severities=tuple((h.severity, h.weight) for h in hits),
                compound=facts.compound,
                reach=post.reach,
                negative_replies=post.negative_replies,
                engagement=post.engagement,
                hours_observed=post.hours_observed,
            ),
            settings,
        )
        risk = risk_score(parts)
        flagged = post.kind == "staff" and (
            risk >= settings.threshold or any(h.severity == "high" for h in hits)
        )
        return Evaluation(
            lang=facts.lang,
            compound=facts.compound,
            label=facts.label,
            topics=tuple(topics),
            hits=tuple(hits),
            risk=risk,
            flagged=flagged,
            explanation=parts,
        )

    def evaluate(self, post: Post, sentiment: SentimentLike) -> Evaluation:
        facts = self.analyze_text(post.text, sentiment, with_rules=post.kind == "staff")
        return self.finish(post, facts)


_ENGINES: dict[tuple[int, int], tuple[PolicyConfig, OrgConfig, PolicyEngine]] = {}


def evaluate(
    post: Post, policy: PolicyConfig, org: OrgConfig, sentiment: SentimentLike
) -> Evaluation:
    """Evaluate one post (the engine for ``policy``/``org`` is compiled once and cached)."""
    key = (id(policy), id(org))
    cached = _ENGINES.get(key)
    if cached is None or cached[0] is not policy or cached[1] is not org:
        if len(_ENGINES) > 8:
            _ENGINES.clear()
        cached = (policy, org, PolicyEngine(policy, org))
        _ENGINES[key] = cached
    return cached[2].evaluate(post, sentiment)
