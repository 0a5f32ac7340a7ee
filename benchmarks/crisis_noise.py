"""How often does the spike rule fire on noise, and does it catch a crisis? Prints a table.

    python benchmarks/crisis_noise.py [--seeds 20]

Simulates a year of hourly negative-mention counts: Poisson around a daily level, weekends at
0.7x, optionally a day-to-day multiplier (gamma, variance ``od``: ordinary busy and quiet days).
The rule is monitoring.crisis's, restated with pandas for speed (24 h rolling sums; baseline =
mean/σ of the 168 windows ending 24..191 hours earlier; alert when count > max(μ + k·max(σ, √μ),
r·μ) and count ≥ 20; alerting hours within 24 h merge into one episode). Columns: false
episodes per year without a crisis, and the share of seeds where a one-day crisis at 3x / 5x
the level is detected within that day.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd


def series(daily: float, seed: int, od: float, crisis: float | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hours = 365 * 24
    level = np.full(hours, daily / 24) * np.where((np.arange(hours) // 24) % 7 >= 5, 0.7, 1.08)
    if od:
        level *= np.repeat(rng.gamma(1 / od, od, size=365), 24)
    if crisis:
        level[200 * 24 : 201 * 24] *= crisis
    return rng.poisson(level)


def alerting(counts: np.ndarray, k: float, ratio: float) -> np.ndarray:
    window = pd.Series(counts).rolling(24).sum()
    base = window.shift(24).rolling(168)
    mean, std = base.mean(), base.std(ddof=0)
    threshold = np.maximum(mean + k * np.maximum(std, np.sqrt(mean)), ratio * mean)
    return ((window > threshold) & (window >= 20)).fillna(False).to_numpy()


def episodes(alerts: np.ndarray) -> int:
    hours = np.flatnonzero(alerts)
    return 0 if len(hours) == 0 else 1 + int((np.diff(hours) > 24).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    seeds = range(args.seeds)
    print("daily  od    ratio  false/yr  detect3x  detect5x")
    for od in (0.0, 0.1, 0.2):
        for daily in (19, 60, 300):
            for ratio in (1.0, 2.0, 3.0):
                false = np.mean(
                    [episodes(alerting(series(daily, s, od, None), 3, ratio)) for s in seeds]
                )
                caught = [
                    np.mean(
                        [
                            alerting(series(daily, s, od, m), 3, ratio)[4800:4824].any()
                            for s in seeds
                        ]
                    )
                    for m in (3, 5)
                ]
                print(
                    f"{daily:5d}  {od:.1f}  {ratio:5.1f}  {false:8.2f}  {caught[0]:8.2f}  {caught[1]:8.2f}"
                )


if __name__ == "__main__":
    main()
