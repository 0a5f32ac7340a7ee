"""Vectorized text composition: pick parts per row by index arithmetic, fill one slot each.

Every choice is ``offsets[group] + r % counts[group]`` into one flat Arrow array of strings, so a
hundred thousand texts cost a handful of Arrow ``take``/``binary_join`` calls, no Python per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from monitoring.demo import texts as T

_SLOT = re.compile(r"\{([a-z0-9_]+)\}")


def _numbers(lo: int, hi: int, fmt: str = "{}") -> list[str]:
    return [fmt.format(i) for i in range(lo, hi + 1)]


def _vocabulary() -> dict[str, list[str]]:
    """Every slot kind and its finite list of values (numbers are pre-formatted strings)."""
    rng = np.random.default_rng(2026)  # fixed: the vocabulary is part of the code, not the seed
    euros = rng.integers(38, 1450, 4000)
    cents = rng.integers(0, 100, 4000)
    orders = rng.integers(100000, 9999999, 20000)
    big = rng.integers(120, 480, 400) * 100
    return {
        "none": [""],
        "city": list(T.CITIES),
        "month": list(T.MONTHS_IT),
        "month_en": list(T.MONTHS_EN),
        "offer": list(T.OFFERS),
        "store": list(T.STORES),
        "competitor": list(T.COMPETITORS),
        "feature": list(T.FEATURES_IT),
        "feature_en": list(T.FEATURES_EN),
        "jobs": list(T.JOBS_IT),
        "jobs_en": list(T.JOBS_EN),
        "code": list(T.CODES),
        "amount": [f"{e},{c:02d} €" for e, c in zip(euros, cents, strict=True)],
        "eur": [f"€{e}.{c:02d}" for e, c in zip(euros, cents, strict=True)],
        "amount_en": [f"€{e}.{c:02d}" for e, c in zip(euros, cents, strict=True)],
        "order": [f"LM-{o:07d}" for o in orders],
        "days": _numbers(2, 45),
        "hours": _numbers(2, 72),
        "minutes": _numbers(12, 95),
        "n": _numbers(2, 15),
        "n2": _numbers(1, 28),
        "n3": [f"{b:,}".replace(",", ".") for b in big],
        "age": _numbers(68, 96),
        "date": [f"{d} {m}" for m in T.MONTHS_IT for d in range(1, 29)],
        "date_en": [f"{m} {d}" for m in T.MONTHS_EN for d in range(1, 29)],
        "percent": _numbers(3, 45, "{}%"),
        "time": [f"{h}:{m:02d}" for h in range(8, 23) for m in (0, 15, 30, 45)],
        "version": [f"5.{a}.{b}" for a in range(4, 19) for b in range(0, 6)],
    }


VOCAB = _vocabulary()
KINDS = tuple(VOCAB)
_KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
_VALUES = pa.array([v for k in KINDS for v in VOCAB[k]], pa.string())
_VCOUNT = np.array([len(VOCAB[k]) for k in KINDS], np.int64)
_VOFF = np.concatenate([[0], np.cumsum(_VCOUNT)[:-1]]).astype(np.int64)


def _kind(name: str, lang: str) -> int:
    if lang == "en" and f"{name}_en" in _KIND_INDEX:
        name = f"{name}_en"
    if name not in _KIND_INDEX:
        raise ValueError(f"demo text slot {{{name}}} has no vocabulary")
    return _KIND_INDEX[name]


class Choice:
    """Plain strings in groups; ``pick(group, r)`` takes one string per row."""

    def __init__(self, groups: Sequence[Sequence[str]]):
        if any(len(g) == 0 for g in groups):
            raise ValueError("every group of demo text parts needs at least one entry")
        self.values = pa.array([s for g in groups for s in g], pa.string())
        self.counts = np.array([len(g) for g in groups], np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)

    def index(self, group: np.ndarray, r: np.ndarray) -> np.ndarray:
        return self.offsets[group] + r % self.counts[group]

    def pick(self, group: np.ndarray, r: np.ndarray) -> pa.Array:
        return self.values.take(pa.array(self.index(group, r)))


class Templates:
    """Sentences with up to two ``{slots}``; ``fill`` picks a sentence and its slot values."""

    def __init__(self, groups: Sequence[Sequence[str]], langs: Sequence[str]):
        pieces: list[list[str]] = [[], [], []]
        kinds: list[list[int]] = [[], []]
        for group, lang in zip(groups, langs, strict=True):
            for template in group:
                split = _SLOT.split(template)  # text, slot, text, slot, text
                if len(split) > 5:
                    raise ValueError(f"demo template has more than two slots: {template!r}")
                split += [""] * (5 - len(split))
                for i in range(3):
                    pieces[i].append(split[2 * i])
                for i in range(2):
                    slot = split[2 * i + 1]
                    kinds[i].append(_kind(slot, lang) if slot else _KIND_INDEX["none"])
        self.choice = Choice(groups)
        self.pieces = [pa.array(p, pa.string()) for p in pieces]
        self.kinds = [np.array(k, np.int64) for k in kinds]

    def fill(self, group: np.ndarray, r_template: np.ndarray, r_value: np.ndarray) -> pa.Array:
        idx = self.choice.index(group, r_template)
        taken = pa.array(idx)
        parts = [self.pieces[0].take(taken)]
        for i, r in enumerate((r_value, r_value // 7919 + r_template)):
            kind = self.kinds[i][idx]
            parts.append(_VALUES.take(pa.array(_VOFF[kind] + r % _VCOUNT[kind])))
            parts.append(self.pieces[i + 1].take(taken))
        return pc.binary_join_element_wise(*parts, "")


def join(*parts: pa.Array) -> pa.Array:
    """Concatenate string arrays row by row."""
    return pc.binary_join_element_wise(*parts, "")


def lower_first(text: pa.Array) -> pa.Array:
    """Lower-case the first character of each row."""
    head = pc.utf8_lower(pc.utf8_slice_codeunits(text, 0, 1))
    return join(head, pc.utf8_slice_codeunits(text, 1))


def fill_one(template: str, rng: np.random.Generator, **values: str) -> str:
    """Fill an incident text's slots (a handful of rows: plain Python is fine here)."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        options = VOCAB[name]
        return options[int(rng.integers(len(options)))]

    return _SLOT.sub(value, template)


def apply_slang(text: pa.Array, rule: np.ndarray, mask: np.ndarray) -> pa.Array:
    """Rewrite the rows in ``mask`` with slang/typo rule ``rule`` (one rule per row)."""
    for k, (old, new) in enumerate(T.SLANG):
        rows = mask & (rule == k)
        if rows.any():
            chosen = pa.array(rows)
            replaced = pc.replace_substring(text.filter(chosen), old, new)
            text = pc.replace_with_mask(text, chosen, replaced)
    return text


def where(mask: np.ndarray, yes: pa.Array, no: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), yes, no)
