"""The voices of the demo: the public's handles and the composers of mentions, replies, posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from monitoring.demo import compose as C
from monitoring.demo import texts as T
from monitoring.demo.plan import IT, NEG, NP, PI, PLATFORMS, POS, TEAM_STYLE, Roster


class Authors:
    """The public: a pool of handles built by index arithmetic, a few very active people."""

    def __init__(self, size: int, roster: Roster):
        i = np.arange(size)
        first = pa.array(T.FIRST_NAMES).take(pa.array((i * 7 + i // 997) % len(T.FIRST_NAMES)))
        last = pa.array(T.SURNAMES).take(
            pa.array((i * 13 + i // len(T.FIRST_NAMES)) % len(T.SURNAMES))
        )
        d2 = pc.utf8_lpad(pc.cast(pa.array((i * 37) % 100), pa.string()), 2, "0")
        year = pc.cast(pa.array(1958 + (i * 11) % 48), pa.string())
        style = pa.array((i * 5 + i // 97) % T.HANDLE_STYLES)
        initial = pc.utf8_slice_codeunits(last, 0, 1)
        handles = pc.choose(
            style,
            C.join(first, pa.array(["_"] * size), last),
            C.join(first, pa.array(["."] * size), last, d2),
            C.join(first, d2, year),
            C.join(last, pa.array(["_"] * size), first),
            C.join(pa.array(["il_"] * size), first, initial, d2),
            C.join(first, last, year),
        )
        staff = pa.array(sorted({h for row in roster.handle for h in row if h}))
        handles = pc.if_else(
            pc.is_in(handles, value_set=staff), C.join(handles, pa.array(["_"] * size)), handles
        )
        full = C.join(pc.utf8_capitalize(first), pa.array([" "] * size), pc.utf8_capitalize(last))
        short = C.join(
            pc.utf8_capitalize(first),
            pa.array([" "] * size),
            pc.utf8_upper(initial),
            pa.array(["."] * size),
        )
        self.handles_arr = handles
        self.names_arr = pc.if_else(pa.array(i % 3 == 0), short, full)
        outlets = list(T.NEWS_OUTLETS)
        self.outlet_names = pa.array(outlets)
        self.outlet_handles = pa.array(
            ["".join(ch for ch in o.lower() if ch.isalnum()) for o in outlets]
        )
        self.size = size

    def handles(self, author: np.ndarray, plat: np.ndarray) -> tuple[pa.Array, pa.Array]:
        idx = pa.array(author)
        news = pa.array(plat == PI["news"])
        outlet = pa.array(author % len(self.outlet_names))
        handle = pc.if_else(news, self.outlet_handles.take(outlet), self.handles_arr.take(idx))
        name = pc.if_else(news, self.outlet_names.take(outlet), self.names_arr.take(idx))
        return handle, name


class _MentionText:
    def __init__(self):
        keys = [(t, s, lang) for t in T.TOPICS for s in T.SENTIMENTS for lang in T.LANGS]
        groups, langs = [], []
        for topic, sent, lang in keys:
            groups.append(_mention_cores(topic, sent, lang))
            langs.append(lang)
        self.cores = C.Templates(groups, langs)
        self.news = C.Templates(
            [T.NEWS_CORES[t] for t in T.TOPICS] + [[""]], ["it"] * (len(T.TOPICS) + 1)
        )
        addr = [T.ADDRESSEES[p] for p in PLATFORMS] + [
            T.ADDRESSEES_EN.get(p, T.ADDRESSEES[p]) for p in PLATFORMS
        ]
        self.addressee = C.Choice(addr + [[""]])
        self.opener = C.Choice(
            [T.OPENERS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [[""]]
        )
        self.detail = C.Templates(
            [T.DETAILS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [[""]],
            [lang for lang in T.LANGS for _ in T.SENTIMENTS] + ["it"],
        )
        self.closing = C.Choice(  # the extra group: headline endings for news rows
            [T.CLOSINGS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [T.NEWS_SUFFIXES]
        )
        self.emoji = C.Choice([T.EMOJI[s] for s in T.SENTIMENTS] + [[""]])
        self.hashtag = C.Choice([T.HASHTAGS[t] for t in T.TOPICS] + [[""]])

    def parts(self, plat, topic, sent, lang, rng) -> MentionParts:
        """Each row's parts (before any repeat is avoided); see ``MentionParts``."""
        n = len(plat)
        r = rng.integers(0, 2**31 - 1, (12, n))
        news = plat == PI["news"]

        def grp(values, empty_group):
            return np.where(news, empty_group, values)

        core_group = (topic * 3 + sent) * 2 + lang

        def core(rows: np.ndarray, shift: int) -> np.ndarray:
            a, b = r[0][rows] + shift, r[1][rows] + shift
            drawn = C.where(
                news[rows],
                self.news.fill(topic[rows], a, b),
                self.cores.fill(core_group[rows], a, b),
            )
            return _objects(drawn)

        everyone = np.arange(n)
        return MentionParts(
            addressee=_objects(self.addressee.pick(lang * NP + plat, r[2])),
            opener=_objects(self.opener.pick(grp(lang * 3 + sent, 6), r[3])),
            core=core(everyone, 0),
            detail=_objects(self.detail.fill(grp(lang * 3 + sent, 6), r[4], r[5])),
            closing=_objects(self.closing.pick(grp(lang * 3 + sent, 6), r[6])),
            emoji=_objects(self.emoji.pick(grp(sent, 3), r[7])),
            hashtag=_objects(self.hashtag.pick(grp(topic, len(T.TOPICS)), r[8])),
            redraw_core=core,
            r=r[9:12],
            news=news,
            italian=lang == IT,
            negative=sent == NEG,
        )


def _objects(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_pylist(), dtype=object)


@dataclass
class MentionParts:
    """One batch's mention parts as object arrays, so single rows can be redrawn.

    ``SENTENCES`` are the parts a reader notices when they repeat; ``generator`` checks them
    over every window of consecutive mentions and redraws a core or drops an optional part.
    """

    SENTENCES: ClassVar[tuple[str, ...]] = ("addressee", "opener", "core", "detail", "closing")
    SHORTEST: ClassVar[int] = 12  # shorter parts ("Grazie.", "Basta! ") may repeat

    addressee: np.ndarray
    opener: np.ndarray
    core: np.ndarray
    detail: np.ndarray
    closing: np.ndarray
    emoji: np.ndarray
    hashtag: np.ndarray
    redraw_core: Callable[[np.ndarray, int], np.ndarray]
    r: np.ndarray
    news: np.ndarray
    italian: np.ndarray
    negative: np.ndarray

    def shortest(self, name: str) -> int:
        return {"core": 1, "addressee": 16}.get(name, self.SHORTEST)

    def change(self, name: str, rows: np.ndarray, attempt: int) -> None:
        """Give ``rows`` another ``name`` part: another core sentence, or none of the others."""
        if name == "core":
            self.core[rows] = self.redraw_core(rows, attempt + 1)
        else:
            getattr(self, name)[rows] = ""

    def render(self) -> pa.Array:
        """The texts: parts joined, the brand named, slang, shouting and lazy typing applied."""
        r, news = self.r, self.news
        core = pa.array(self.core, pa.string())
        opener = pa.array(self.opener, pa.string())
        # after "Ciao, " the sentence goes on in lower case
        comma = pc.ends_with(opener, ", ").to_numpy(zero_copy_only=False)
        core = C.where(comma, C.lower_first(core), core)
        text = C.join(
            pa.array(self.addressee, pa.string()),
            opener,
            core,
            *(
                pa.array(getattr(self, k), pa.string())
                for k in ("detail", "closing", "emoji", "hashtag")
            ),
        )
        unnamed = ~pc.match_substring(text, "lumina", ignore_case=True).to_numpy(
            zero_copy_only=False
        )
        tag = pa.array(T.BRAND_TAGS).take(pa.array(r[0] % len(T.BRAND_TAGS)))
        text = C.where(unnamed, C.join(text, tag), text)
        casual = self.italian & ~news & (r[0] % 100 < 14)
        text = C.apply_slang(text, r[1] % len(T.SLANG), casual)
        shouting = self.negative & ~news & (r[2] % 100 < 4)
        text = C.where(shouting, pc.utf8_upper(text), text)
        lazy = ~news & ~shouting & (r[2] % 100 >= 92)
        return C.where(lazy, pc.utf8_lower(text), text)


def _mention_cores(topic: str, sent: str, lang: str) -> list[str]:
    """The core sentences of a group; a missing group borrows from its closest relative."""
    base = {"crisis_outage": "outages", "crisis_billing": "billing"}.get(topic, topic)
    for key in ((topic, sent, lang), (base, sent, lang), (topic, sent, "it"), (base, sent, "it")):
        if key in T.MENTION_CORES:
            return T.MENTION_CORES[key]
    raise KeyError(f"no demo sentences for {topic}/{sent}")


# The competences of the teams that answer anything on their channels (as in data/org.yaml):
# outside them they redirect ("we forward it to the right team") rather than answer the topic.
GENERALIST_COMPETENCES = {
    "customer_care": {"billing", "outages", "offers", "digital", "stores", "competitors"},
    "social_hub": {"offers", "sustainability", "digital", "corporate", "competitors"},
    "stores": {"stores", "offers", "billing"},
}


def _competent(team: str, topic: str) -> bool:
    base = {"crisis_outage": "outages", "crisis_billing": "billing"}.get(topic, topic)
    return base in GENERALIST_COMPETENCES[team]


class _ReplyText:
    """Greeting + body + closing; the body fits the team and the mention's topic and tone."""

    GENERALISTS = ("customer_care", "social_hub", "stores")

    def __init__(self):
        self.greeting = C.Choice(
            [T.REPLY_GREETINGS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS]
        )
        keys = [("team", team, lang) for team in TEAM_STYLE for lang in T.LANGS]
        keys += [("topic", topic, lang) for topic in (*T.TOPICS, "positive") for lang in T.LANGS]
        groups, langs = [], []
        for kind, name, lang in keys:
            table = T.REPLY_BODIES if kind == "team" else T.REPLY_TOPIC_BODIES
            groups.append(table.get((name, lang)) or table[(name, "it")])
            langs.append(lang)
        self.body = C.Templates(groups, langs)
        self.closing = C.Choice([T.REPLY_CLOSINGS[lang] for lang in T.LANGS])
        # group of (team style, topic, sentiment, lang)
        group = np.zeros((len(TEAM_STYLE), len(T.TOPICS), 3, 2), np.int64)
        index = {key: i for i, key in enumerate(keys)}
        for si, team in enumerate(TEAM_STYLE):
            for ti, topic in enumerate(T.TOPICS):
                for sent in range(3):
                    for li, lang in enumerate(T.LANGS):
                        if sent == POS and team != "technical_support":
                            key = ("topic", "positive", lang)
                        elif team in self.GENERALISTS and _competent(team, topic):
                            key = ("topic", topic, lang)
                        else:
                            key = ("team", team, lang)
                        group[si, ti, sent, li] = index[key]
        self.group = group

    def compose(self, team, topic, sent, lang, rng) -> pa.Array:
        r = rng.integers(0, 2**31 - 1, (4, len(team)))
        return C.join(
            self.greeting.pick(lang * 3 + sent, r[0]),
            self.body.fill(self.group[team, topic, sent, lang], r[1], r[2]),
            self.closing.pick(lang, r[3]),
        )


class _PostText:
    def __init__(self):
        groups, langs = [], []
        for team in TEAM_STYLE:
            for lang in T.LANGS:
                groups.append(T.TEAM_POSTS.get((team, lang), T.TEAM_POSTS[(team, "it")]))
                langs.append(lang)
        self.body = C.Templates(groups, langs)
        self.tail = C.Choice([T.POST_TAILS])

    def compose(self, team: np.ndarray, lang: np.ndarray, rng) -> pa.Array:
        r = rng.integers(0, 2**31 - 1, (3, len(team)))
        return C.join(
            self.body.fill(team * 2 + lang, r[0], r[1]),
            self.tail.pick(np.zeros(len(team), np.int64), r[2]),
        )


MENTION_TEXT = _MentionText()
REPLY_TEXT = _ReplyText()
POST_TEXT = _PostText()
