"""``data/sources.yaml``: the named sources ``ingest`` runs (keys are a user contract, issue 3).

Credentials never live in this file: an entry names the environment variables that hold them
(``token_env``, ``client_id_env``/``client_secret_env``, ``identifier_env``/``password_env``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitoring.config import load_yaml_model
from monitoring.org import Platform
from monitoring.store import ITEM_COLUMNS

Kind = Literal["rss", "mastodon", "bluesky", "reddit", "hackernews", "file"]
EnvName = str

DEFAULT_BASE_URL = {
    "mastodon": "https://mastodon.social",
    "bluesky": "https://public.api.bsky.app",  # the public AppView: author feeds, no login
    "reddit": "https://oauth.reddit.com",
    "hackernews": "https://hn.algolia.com",
}
DEFAULT_AUTH_URL = {
    "bluesky": "https://bsky.social",  # createSession and authenticated search via the PDS
    "reddit": "https://www.reddit.com",  # POST /api/v1/access_token
}
DEFAULT_ENV = {
    "identifier_env": "BLUESKY_IDENTIFIER",
    "password_env": "BLUESKY_APP_PASSWORD",
    "client_id_env": "REDDIT_CLIENT_ID",
    "client_secret_env": "REDDIT_CLIENT_SECRET",
}
DEFAULT_PLATFORM = {
    "rss": "news",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "reddit": "reddit",
    "hackernews": "hackernews",
}

# Which optional keys each kind reads; anything else is a mistake worth reporting.
_KEYS_BY_KIND: dict[str, set[str]] = {
    "rss": {"url", "platform"},
    "mastodon": {"base_url", "hashtags", "accounts", "token_env"},
    "bluesky": {"base_url", "auth_url", "query", "accounts", "identifier_env", "password_env"},
    "reddit": {"base_url", "auth_url", "query", "client_id_env", "client_secret_env"},
    "hackernews": {"base_url", "query"},
    "file": {"path", "format", "columns", "mapping", "platform"},
}
_COMMON_KEYS = {"name", "kind", "lang", "channel", "max_pages", "enabled"}


class SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)
    kind: Kind
    enabled: bool = True
    url: str | None = None
    base_url: str | None = None
    auth_url: str | None = None
    query: str | None = Field(default=None, min_length=1)
    hashtags: list[str] = []
    accounts: list[str] = []
    path: str | None = None
    format: Literal["csv", "json", "ndjson"] | None = None
    columns: dict[str, str | list[str]] = {}
    mapping: str | None = None
    platform: Platform | None = None
    channel: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    lang: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    max_pages: int | None = Field(default=None, ge=1, le=1000)
    token_env: EnvName | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    client_id_env: EnvName | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    client_secret_env: EnvName | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    identifier_env: EnvName | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    password_env: EnvName | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")

    @field_validator("url", "base_url", "auth_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return [tag.strip().lstrip("#") for tag in value if tag.strip().lstrip("#")]

    @field_validator("columns")
    @classmethod
    def _our_columns(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        unknown = sorted(set(value) - set(ITEM_COLUMNS) - {"raw"})
        if unknown:
            raise ValueError(
                f"unknown target column {unknown[0]!r}; ours are {', '.join(ITEM_COLUMNS[:-1])}"
            )
        return value

    @model_validator(mode="after")
    def _fits_kind(self) -> SourceEntry:
        allowed = _KEYS_BY_KIND[self.kind] | _COMMON_KEYS
        for key in self.model_fields_set - allowed:
            raise ValueError(f"{key!r} is not used by kind {self.kind!r}")
        need = {
            "rss": ("url", self.url),
            "reddit": ("query", self.query),
            "hackernews": ("query", self.query),
            "file": ("path", self.path),
        }.get(self.kind)
        if need and not need[1]:
            raise ValueError(f"kind {self.kind!r} needs {need[0]!r}")
        if self.kind == "mastodon" and not (self.hashtags or self.accounts):
            raise ValueError("kind 'mastodon' needs 'hashtags' or 'accounts'")
        if self.kind == "bluesky" and not (self.query or self.accounts):
            raise ValueError("kind 'bluesky' needs 'query' or 'accounts'")
        if self.kind == "file" and self.platform is None:
            raise ValueError("kind 'file' needs 'platform'")
        return self

    # --- resolved settings --------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return self.base_url or DEFAULT_BASE_URL.get(self.kind, "")

    @property
    def login_url(self) -> str:
        """Where to log in: ``auth_url``, else an explicit ``base_url`` (one local server
        stands in for both hosts), else the service's public login host."""
        return self.auth_url or self.base_url or DEFAULT_AUTH_URL.get(self.kind, "")

    @property
    def item_platform(self) -> str:
        return self.platform or DEFAULT_PLATFORM[self.kind]

    def env_name(self, key: str) -> str:
        return getattr(self, key) or DEFAULT_ENV[key]

    def secret(self, key: str) -> str | None:
        """The value of the environment variable this entry names for ``key`` (never logged)."""
        name = getattr(self, key) or DEFAULT_ENV.get(key)
        return os.environ.get(name) or None if name else None


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[SourceEntry] = []

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesConfig:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate source name {dupes[0]!r}")
        return self

    def select(self, names: list[str] | tuple[str, ...]) -> list[SourceEntry]:
        """The entries to run: the named ones (even if disabled), else every enabled one."""
        if not names:
            return [s for s in self.sources if s.enabled]
        by_name = {s.name: s for s in self.sources}
        missing = [n for n in names if n not in by_name]
        if missing:
            known = ", ".join(by_name) or "none"
            raise KeyError(f"unknown source {missing[0]!r} (known: {known})")
        return [by_name[n] for n in names]


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate ``sources.yaml``; ``ConfigError`` names file, line and field."""
    config = load_yaml_model(path, SourcesConfig)
    base = Path(path).resolve().parent
    # Relative file paths are relative to sources.yaml, so the config works from any cwd.
    entries = [
        e.model_copy(update={"path": str((base / e.path).resolve())})
        if e.path and not Path(e.path).is_absolute()
        else e
        for e in config.sources
    ]
    return config.model_copy(update={"sources": entries})
