"""Runtime settings read from the environment at call time (never at import, so tests can change them)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = DATA_DIR / "sentinella.duckdb"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    org_path: Path
    policy_path: Path
    sources_path: Path
    users_path: Path
    lang: str | None  # SENTINELLA_LANG override of org.yaml's locale

    def config_files(self) -> dict[str, Path]:
        """The configuration files whose changes the audit log records."""
        return {"org": self.org_path, "policy": self.policy_path, "sources": self.sources_path}


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def get_settings(db: str | os.PathLike | None = None) -> Settings:
    """Settings from the environment; an explicit ``db`` wins over ``SENTINELLA_DB``."""
    lang = os.environ.get("SENTINELLA_LANG") or None
    return Settings(
        db_path=Path(db) if db else _env_path("SENTINELLA_DB", DEFAULT_DB),
        org_path=_env_path("SENTINELLA_ORG", DATA_DIR / "org.yaml"),
        policy_path=_env_path("SENTINELLA_POLICY", DATA_DIR / "policy.yaml"),
        sources_path=_env_path("SENTINELLA_SOURCES", DATA_DIR / "sources.yaml"),
        users_path=_env_path("SENTINELLA_USERS", DATA_DIR / "users.yaml"),
        lang=lang if lang in ("it", "en") else None,
    )
