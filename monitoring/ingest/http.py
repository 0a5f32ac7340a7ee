"""One HTTP session for every connector: timeouts, retries with backoff, 429 handling.

Connection errors and 5xx answers are retried by urllib3 with exponential backoff. A 429 is
honoured here rather than by urllib3, because urllib3 sleeps whatever ``Retry-After`` says:
we wait up to ``retry_after_cap`` seconds and otherwise fail the source with the reason, so a
host asking for an hour's pause cannot stall the other sources of a scheduled run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

USER_AGENT = "Sentinella/0.1 (+brand monitoring)"


class SourceFailed(Exception):
    """The source cannot be read now (network, HTTP error, credentials); one-line reason."""


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3  # per request, for connection errors, timeouts and 5xx
    backoff: float = 0.5  # urllib3 backoff_factor: 0.5, 1, 2 ... seconds between tries
    retry_after_cap: float = 60.0  # longest 429 Retry-After we are willing to sleep
    rate_limit_retries: int = 3
    max_pages: int = 20  # default bound on pages per stream per run


class HttpClient:
    """A ``requests.Session`` with the project's timeouts, retries and User-Agent."""

    def __init__(self, settings: HttpSettings | None = None) -> None:
        self.settings = settings or HttpSettings()
        retry = Retry(
            total=self.settings.retries,
            connect=self.settings.retries,
            read=self.settings.retries,
            status=self.settings.retries,
            backoff_factor=self.settings.backoff,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=None,  # token POSTs are safe to repeat too
            raise_on_status=False,
            respect_retry_after_header=False,  # 429/503 waits are capped in request()
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        expect: tuple[int, ...] = (200,),
        **kwargs,
    ) -> requests.Response:
        """Send a request; return the response when its status is in ``expect``.

        Any other status, a timeout or a connection failure (after retries) raises
        ``SourceFailed`` with a one-line reason that never includes credentials.
        """
        kwargs.setdefault("timeout", (self.settings.connect_timeout, self.settings.read_timeout))
        for attempt in range(self.settings.rate_limit_retries + 1):
            try:
                self.requests_made += 1
                response = self.session.request(method, url, **kwargs)
            except requests.RequestException as exc:
                raise SourceFailed(f"{_describe(exc)}: {_where(url)}") from None
            if response.status_code in expect:
                return response
            if response.status_code == 429 and attempt < self.settings.rate_limit_retries:
                wait = retry_after_seconds(response, default=self.settings.backoff * 2**attempt)
                if wait > self.settings.retry_after_cap:
                    raise SourceFailed(
                        f"rate limited by {_host(url)}: it asks to wait {wait:.0f}s, "
                        f"more than the {self.settings.retry_after_cap:.0f}s cap"
                    )
                time.sleep(wait)
                continue
            raise SourceFailed(_status_reason(response, url))
        raise SourceFailed(f"rate limited by {_host(url)}: still 429 after retries")

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.request("POST", url, **kwargs)


def retry_after_seconds(response: requests.Response, default: float) -> float:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _status_reason(response: requests.Response, url: str) -> str:
    snippet = " ".join(response.text[:160].split()) if response.content else ""
    retried = " after retries" if response.status_code >= 500 else ""
    reason = f"HTTP {response.status_code}{retried} from {_where(url)}"
    return f"{reason}: {snippet}" if snippet else reason


def _describe(exc: requests.RequestException) -> str:
    """Name the real cause of a requests error (DNS, refused, timeout) in a few words."""
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 6:
        reason = getattr(cause, "reason", None)
        # urllib3's NameResolutionError < NewConnectionError < ConnectTimeoutError: test the
        # most specific first.
        for candidate in (cause, reason):
            if isinstance(candidate, NameResolutionError):
                return "host name not found (DNS)"
            if isinstance(candidate, NewConnectionError):
                return "connection refused or unreachable"
        if isinstance(cause, ReadTimeoutError | requests.ReadTimeout) or isinstance(
            reason, ReadTimeoutError
        ):
            return "timed out waiting for the answer"
        if isinstance(cause, ConnectTimeoutError | requests.ConnectTimeout) or isinstance(
            reason, ConnectTimeoutError
        ):
            return "timed out connecting"
        cause = (
            reason
            if isinstance(reason, BaseException)
            else (
                cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
            )
        )
        seen += 1
    return type(exc).__name__
