"""The shared slice every page, export and report applies: period, teams, channels, platforms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Filters:
    """Hashable (so it can key ``st.cache_data``); empty tuples mean "all"."""

    start: date | None = None  # inclusive, in the organization's time zone
    end: date | None = None  # inclusive
    teams: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    timezone: str = "Europe/Rome"

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) as naive UTC datetimes covering whole local days."""
        zone = ZoneInfo(self.timezone)

        def to_utc(day: date) -> datetime:
            local = datetime.combine(day, time.min, tzinfo=zone)
            return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

        lo = to_utc(self.start) if self.start else None
        hi = to_utc(self.end + timedelta(days=1)) if self.end else None
        return lo, hi

    def where(
        self, alias: str = "i", team_column: str | None = None, time_column: str = "created_at"
    ) -> tuple[str, list]:
        """SQL conditions (joined with AND, starting with TRUE) and their parameters.

        :param alias: the items table's alias in the caller's query (a code constant).
        :param team_column: column holding the team for the team filter; defaults to the
            item's own team (staff posts). Mentions have no team, so callers that want
            "mentions answered by these teams" pass a column of their own join.
        :param time_column: the time column under ``alias`` (a rollup table's ``hour``).
        """
        clauses, params = ["TRUE"], []
        lo, hi = self.utc_bounds()
        if lo is not None:
            clauses.append(f"{alias}.{time_column} >= ?")
            params.append(lo)
        if hi is not None:
            clauses.append(f"{alias}.{time_column} < ?")
            params.append(hi)
        for column, values in (
            (team_column or f"{alias}.team_id", self.teams),
            (f"{alias}.channel_id", self.channels),
            (f"{alias}.platform", self.platforms),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return " AND ".join(clauses), params
