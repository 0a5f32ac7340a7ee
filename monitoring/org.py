"""The organization: brand, competitors, channels, teams and their members (``data/org.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitoring.config import load_yaml_model

Platform = Literal[
    "instagram",
    "facebook",
    "x",
    "linkedin",
    "tiktok",
    "youtube",
    "mastodon",
    "bluesky",
    "reddit",
    "hackernews",
    "news",
    "web",
]
PLATFORMS: tuple[str, ...] = get_args(Platform)
Identifier = str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Competitor(_Strict):
    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    aliases: list[str] = []


class Brand(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    competitors: list[Competitor] = []


class Channel(_Strict):
    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    platform: Platform
    handles: list[str] = []  # the brand's own accounts on this channel


class Targets(_Strict):
    response_minutes: float = Field(default=60, gt=0)
    max_negative_share: float = Field(default=0.30, ge=0, le=1)
    max_flagged_share: float = Field(default=0.05, ge=0, le=1)
    min_response_rate: float = Field(default=0.80, ge=0, le=1)


class Member(_Strict):
    id: Identifier = Field(pattern=r"^[a-z0-9_.]+$")
    name: str = Field(min_length=1)
    role: str = ""
    handles: dict[Platform, str] = {}

    @field_validator("handles")
    @classmethod
    def _normalize(cls, value: dict[str, str]) -> dict[str, str]:
        return {platform: normalize_handle(handle) for platform, handle in value.items()}


class Team(_Strict):
    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    governance: Literal["centralized", "decentralized"]
    channels: list[Identifier] = []
    competences: list[Identifier] = []
    targets: Targets = Targets()
    members: list[Member] = []


class OrgConfig(_Strict):
    brand: Brand
    timezone: str = "Europe/Rome"
    locale: Literal["it", "en"] = "it"
    channels: list[Channel] = Field(min_length=1)
    teams: list[Team] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OrgConfig:
        _unique("channels", [c.id for c in self.channels])
        _unique("teams", [t.id for t in self.teams])
        _unique("members", [m.id for t in self.teams for m in t.members])
        channel_ids = {c.id for c in self.channels}
        for team in self.teams:
            unknown = [c for c in team.channels if c not in channel_ids]
            if unknown:
                raise ValueError(f"team {team.id!r} names unknown channel {unknown[0]!r}")
        seen: dict[tuple[str, str], str] = {}
        for member in self.members():
            for platform, handle in member.handles.items():
                other = seen.setdefault((platform, handle), member.id)
                if other != member.id:
                    raise ValueError(
                        f"handle {platform}:{handle} belongs to {other} and {member.id}"
                    )
        return self

    def members(self) -> list[Member]:
        return [m for t in self.teams for m in t.members]

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def default_channel(self, platform: str) -> str | None:
        """The first channel declared for a platform: where unattributed items of it land."""
        return next((c.id for c in self.channels if c.platform == platform), None)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _unique(what: str, ids: list[str]) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate {what} id {dupes[0]!r}")


def normalize_handle(handle: str) -> str:
    """Handles compare case-insensitively without a leading @ (Mastodon keeps its @instance part)."""
    return handle.strip().lstrip("@").lower()


def load_org(path: str | Path) -> OrgConfig:
    return load_yaml_model(path, OrgConfig)
