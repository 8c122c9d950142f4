from __future__ import annotations

import numpy as np
import pandas as pd

from voc_miner.spikes import detect_surges, growth, weekly_counts


def _tags(seed: int = 0, surge: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-08-31", tz="UTC")
    for week in range(9):
        for topic in range(4):
            n = rng.poisson(10) + (surge if (topic == 2 and week == 5) else 0)
            for _ in range(n):
                rows.append({"topic_id": topic, "sentiment": -0.5,
                             "started_at": start + pd.Timedelta(days=7 * week + int(rng.integers(0, 7)))})
    return pd.DataFrame(rows)


def test_planted_surge_is_flagged_and_nothing_else() -> None:
    surges = detect_surges(weekly_counts(_tags(surge=25)))
    assert [(s.topic_id, s.week_start) for s in surges] == [(2, "2026-10-05")]
    assert surges[0].q_value < 0.05


def test_no_surge_in_stationary_data() -> None:
    false = sum(len(detect_surges(weekly_counts(_tags(seed=s)))) for s in range(20))
    assert false <= 1


def test_weekly_counts_fill_missing_weeks_with_zero() -> None:
    tags = pd.DataFrame({"topic_id": [0, 1], "started_at": pd.to_datetime(["2026-09-01", "2026-09-15"], utc=True)})
    wc = weekly_counts(tags)
    assert len(wc) == 4 and wc["count"].sum() == 2


def test_growth_compares_windows() -> None:
    ts = pd.to_datetime(["2026-09-05"] * 2 + ["2026-10-20"] * 6, utc=True)
    g = growth(pd.DataFrame({"topic_id": 0, "started_at": ts}), window_days=28)
    assert g == {0: 2.0}
    assert growth(pd.DataFrame({"topic_id": [0], "started_at": [pd.NaT]}), window_days=28) == {}
