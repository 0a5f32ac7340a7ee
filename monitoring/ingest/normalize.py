"""Turn what a source gave us into normalized item records, or into rejects with a reason.

Connectors build plain dicts with the ``ITEM_COLUMNS`` keys; ``finish`` checks and cleans one
(UTC timestamps, HTML reduced to text, normalized handles) and raises ``RecordError`` with a
one-line reason when the record cannot be stored. Nothing is silently dropped: the caller puts
the reason and the record's raw bytes in the ``rejects`` table.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from monitoring.org import normalize_handle
from monitoring.store import ITEM_COLUMNS

# A post is at most a few thousand characters on every platform we read; a news article's
# summary is longer but far below this. Bigger means a broken feed or a pasted dump.
MAX_TEXT_CHARS = 100_000
# Nothing we monitor predates the web's social platforms; a year-1970 or year-2999 date is a
# parsing accident upstream and would distort every time series.
EARLIEST = datetime(1995, 1, 1)
FUTURE_SLACK = timedelta(days=1)

_INT_FIELDS = ("reach", "likes", "shares", "replies")
_TEXT_FIELDS = ("native_id", "url", "author_handle", "author_name", "text", "lang_hint")


class RecordError(ValueError):
    """A record that cannot be stored; the message is the reason kept in ``rejects``."""


@dataclass(frozen=True)
class Reject:
    reason: str
    raw: bytes


def raw_text(value: Any) -> str:
    """The original record as text: JSON objects re-serialized compactly, strings as they are."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def raw_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return raw_text(value).encode("utf-8", errors="surrogatepass")


class _TextExtractor(HTMLParser):
    """Collects text, turning block boundaries and <br> into newlines."""

    _BREAKS = frozenset({"br", "p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("p", "div", "li", "blockquote"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment (Mastodon content, feed summaries); entities decoded."""
    if not markup:
        return ""
    if "<" not in markup:
        text = html.unescape(markup)
    else:
        parser = _TextExtractor()
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def to_utc(value: Any) -> datetime:
    """A UTC naive datetime from ISO 8601 text, epoch seconds (or ms), struct_time or datetime."""
    if value is None or value == "":
        raise RecordError("missing timestamp")
    if isinstance(value, bool):
        raise RecordError(f"timestamp is not a date: {value!r}")
    if isinstance(value, time.struct_time):
        value = datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value  # epoch milliseconds
        try:
            value = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise RecordError(f"absurd timestamp {value!r}") from None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise RecordError(f"unparsable timestamp {value[:40]!r}") from None
    if not isinstance(value, datetime):
        raise RecordError(f"timestamp of type {type(value).__name__}")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def check_time(value: datetime, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if value < EARLIEST or value > now + FUTURE_SLACK:
        raise RecordError(f"absurd timestamp {value.isoformat()}")
    return value


def _check_utf8(name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON "\ud800" escapes decode to lone surrogates, which no UTF-8 text can hold.
        raise RecordError(f"{name}: invalid UTF-8 (unpaired surrogate)") from None


def _as_int(name: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise RecordError(f"{name}: expected a number, got {str(value)[:40]!r}")


def finish(record: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Check and normalize one record; raise ``RecordError`` with the reason it is unusable."""
    out = {name: record.get(name) for name in ITEM_COLUMNS}
    for name in _TEXT_FIELDS + ("in_reply_to",):
        value = out[name]
        if value is not None and not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)  # numeric ids (Hacker News) are ids, not numbers
            else:
                raise RecordError(f"{name}: expected text, got {type(value).__name__}")
        if value is not None:
            _check_utf8(name, value)
        out[name] = value
    if not out["platform"]:
        raise RecordError("missing platform")
    if not out["native_id"]:
        raise RecordError("missing id")
    if out["text"] is None:
        raise RecordError("missing text")
    if len(out["text"]) > MAX_TEXT_CHARS:
        raise RecordError(f"oversized text ({len(out['text'])} characters > {MAX_TEXT_CHARS})")
    out["created_at"] = check_time(to_utc(out["created_at"]), now)
    for name in _INT_FIELDS:
        out[name] = _as_int(name, out[name])
    if out["author_handle"]:
        out["author_handle"] = normalize_handle(out["author_handle"])
    if out["raw"] is not None and not isinstance(out["raw"], str):
        out["raw"] = raw_text(out["raw"])
    return out


def decode_json(body: bytes, what: str) -> Any:
    """Parse a JSON body strictly as UTF-8; ``RecordError`` names what was malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{what}: invalid UTF-8 at byte {exc.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{what}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
