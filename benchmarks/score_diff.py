"""Compare the scoring results of two databases built from the same items (before/after a change
to the scoring code or the policy). Prints counts of differences, and the differing hits and flags.

    python -m monitoring --db /tmp/demo.duckdb demo --mentions 20000
    cp /tmp/demo.duckdb /tmp/before.duckdb && cp /tmp/demo.duckdb /tmp/after.duckdb
    (old code) python -m monitoring --db /tmp/before.duckdb score
    (new code) python -m monitoring --db /tmp/after.duckdb score
    python benchmarks/score_diff.py /tmp/before.duckdb /tmp/after.duckdb

Items are matched on (platform, native_id), so the two files may number them differently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring import db  # noqa: E402

_SCORES = """
SELECT i.platform || ':' || i.native_id, s.lang, s.label, s.compound, s.topics, s.risk,
       s.flagged, s.policy_version, s.explain::VARCHAR
FROM scores s JOIN items i USING (item_id)
"""
_HITS = """
SELECT i.platform || ':' || i.native_id, h.rule_id, h.evidence
FROM hits h JOIN items i USING (item_id)
"""
_FLAGS = "SELECT platform || ':' || native_id FROM flags WHERE active"
_FLAG_ROWS = (
    "SELECT platform || ':' || native_id, iso_week, risk, active, policy_version FROM flags"
)


def results(path: Path) -> tuple[dict[str, tuple], set[tuple], set[str], set[tuple]]:
    """(scores by item key, hits, keys of active flags, flag rows) of one database."""

    def work(conn):
        scores = {row[0]: tuple(row[1:]) for row in conn.execute(_SCORES).fetchall()}
        hits = {tuple(row) for row in conn.execute(_HITS).fetchall()}
        flags = {row[0] for row in conn.execute(_FLAGS).fetchall()}
        flag_rows = {tuple(row) for row in conn.execute(_FLAG_ROWS).fetchall()}
        return scores, hits, flags, flag_rows

    return db.read(path, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    s_before, h_before, f_before, rows_before = results(args.before)
    s_after, h_after, f_after, rows_after = results(args.after)
    common = s_before.keys() & s_after.keys()
    # Compound exactly; the policy version (same policy and org on both sides) and the staff
    # explanation (risk parts and inputs, as stored JSON text) too.
    text_diff = sum(1 for k in common if s_before[k][:4] != s_after[k][:4])
    risk_diff = sum(1 for k in common if s_before[k][4:6] != s_after[k][4:6])
    other_diff = sum(1 for k in common if s_before[k][6:] != s_after[k][6:])
    print(
        f"scored items: {len(s_before):,} before, {len(s_after):,} after, {len(common):,} in both"
    )
    print(f"lang/label/compound/topics differ: {text_diff:,}; risk/flagged differ: {risk_diff:,}; "
          f"policy version/explanation differ: {other_diff:,}")  # fmt: skip
    print(f"hits: {len(h_before):,} before, {len(h_after):,} after; "
          f"{len(h_before - h_after):,} gone, {len(h_after - h_before):,} new")  # fmt: skip
    for hit in sorted(h_before - h_after):
        print("  - " + " | ".join(map(str, hit)))
    for hit in sorted(h_after - h_before):
        print("  + " + " | ".join(map(str, hit)))
    print(f"active flags: {len(f_before):,} before, {len(f_after):,} after; "
          f"unflagged {sorted(f_before - f_after)}, newly flagged {sorted(f_after - f_before)}")  # fmt: skip
    print(f"flag rows (week, risk, active, version) differ: {len(rows_before ^ rows_after):,}")


if __name__ == "__main__":
    main()
