from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc_miner.errors import ConfigError, InputDataError, VocMinerError
from voc_miner.spikes import (
    TEST_COLUMNS,
    WEEKDAYS,
    WEEKLY_COLUMNS,
    _bh,
    change_q_values,
    daily_counts,
    detect_surges,
    growth,
    growth_basis,
    period_coverage,
    rolling_growth_basis,
    surge_tests,
    weekly_counts,
)
from voc_miner.types import Surge

START = pd.Timestamp("2026-08-31", tz="UTC")  # a Monday


def _tags(seed: int = 0, surge: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for week in range(9):
        for topic in range(4):
            n = rng.poisson(10) + (surge if (topic == 2 and week == 5) else 0)
            for _ in range(n):
                rows.append(
                    {
                        "topic_id": topic,
                        "sentiment": -0.5 if rng.random() < 0.3 else 0.4,
                        "started_at": START + pd.Timedelta(days=7 * week + int(rng.integers(0, 7)), hours=10),
                    }
                )
    return pd.DataFrame(rows)


def _daily(
    rates: np.ndarray, *, weeks: int = 12, profile: np.ndarray | None = None, trend: float = 0.0, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """A daily_counts-shaped table of Poisson counts (topics x days) and the true daily means."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-05", periods=7 * weeks, freq="D")  # starts on a Monday
    dow = days.day_of_week.to_numpy()
    prof = np.ones(7) if profile is None else profile / profile.mean()
    t = np.arange(len(days)) / len(days)
    mu = rates[:, None] * prof[None, dow] * np.exp(trend * t)[None, :]
    y = rng.poisson(mu)
    frame = pd.DataFrame(
        {
            "topic_id": np.repeat(np.arange(len(rates)), len(days)),
            "date": np.tile(days.strftime("%Y-%m-%d").to_numpy(), len(rates)),
            "count": y.ravel(),
            "negativity": np.nan,
        }
    )
    return frame, mu


def test_planted_surge_is_flagged_and_nothing_else() -> None:
    surges = detect_surges(weekly_counts(_tags(surge=25)))
    assert [(s.topic_id, s.week_start) for s in surges] == [(2, "2026-10-05")]
    s = surges[0]
    assert s.q_value < 0.05 and s.p_value <= s.q_value and s.z > 3
    assert s.count >= 25 and 8 <= s.expected <= 12 and s.ratio is not None and s.ratio > 2
    assert s.negativity is not None and s.baseline_negativity is not None and 0 <= s.negativity <= 1


def test_no_surge_in_stationary_data() -> None:
    false = sum(len(detect_surges(weekly_counts(_tags(seed=s)))) for s in range(20))
    assert false <= 1


def test_weekday_seasonality_and_trend_do_not_alert() -> None:
    profile = np.array([3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.4])  # busy Monday, empty weekend
    alerts = 0
    for seed in range(5):
        daily, mu = _daily(np.array([5.0, 40.0, 200.0]), profile=profile, trend=np.log(3.0), seed=seed)
        tests = surge_tests(daily)
        alerts += int(tests["alert"].sum())
        # the baseline follows the trend: the last week is expected near its true mean (3x the first)
        last = tests[tests["week_start"] == tests["week_start"].max()]
        truth = mu[:, -7:].sum(axis=1)
        assert np.allclose(last["expected"].to_numpy(), truth, rtol=0.25)
    assert alerts == 0


def test_partial_week_on_busy_days_is_not_a_surge() -> None:
    profile = np.array([4.0, 4.0, 1.0, 1.0, 1.0, 0.3, 0.3])
    daily, _ = _daily(np.array([30.0, 100.0]), profile=profile, weeks=10, seed=3)
    daily = daily[daily["date"] <= "2026-03-10"]  # the last week ends on its busy Tuesday
    tests = surge_tests(daily)
    last = tests[tests["week_start"] == "2026-03-09"]
    assert len(last) == 2 and not last["alert"].any()
    assert (last["ratio"] - 1).abs().max() < 0.3


def test_planted_surge_in_seasonal_trending_data_is_flagged() -> None:
    profile = np.array([1.3, 1.2, 1.1, 1.0, 1.0, 0.7, 0.7])
    daily, _ = _daily(np.array([4.0, 20.0, 80.0]), profile=profile, trend=np.log(2.0), seed=7)
    week = daily["date"].between("2026-02-23", "2026-03-01") & (daily["topic_id"] == 0)
    daily.loc[week, "count"] = daily.loc[week, "count"] * 3  # 3x for one week of the quietest topic
    surges = detect_surges(daily)
    assert [(s.topic_id, s.week_start) for s in surges] == [(0, "2026-02-23")]


def test_surge_in_last_week_is_flagged_prospectively() -> None:
    daily, _ = _daily(np.array([10.0, 10.0]), seed=5)
    last = daily["date"] >= "2026-03-23"
    daily.loc[last & (daily["topic_id"] == 1), "count"] += 25
    assert [(s.topic_id, s.week_start) for s in detect_surges(daily)] == [(1, "2026-03-23")]


def test_low_volume_topics_do_not_spam_alerts() -> None:
    alerts = 0
    for seed in range(10):
        daily, _ = _daily(np.full(30, 0.15), weeks=12, seed=seed)  # ~1 conversation a week per topic
        alerts += len(detect_surges(daily))
    assert alerts == 0
    # a tiny topic with 4 conversations in one week (none before): below min_count
    tags = _tags(seed=1)
    extra = pd.DataFrame({"topic_id": 9, "sentiment": -0.5, "started_at": [START + pd.Timedelta(days=40)] * 4})
    surges = detect_surges(weekly_counts(pd.concat([tags, extra], ignore_index=True)))
    assert all(s.topic_id != 9 for s in surges)


def test_fdr_controls_alerts_over_many_null_topics() -> None:
    total_tests = 0
    alerts = 0
    for seed in range(5):
        daily, _ = _daily(np.geomspace(2, 200, 40), seed=100 + seed)
        tests = surge_tests(daily)
        total_tests += len(tests)
        alerts += int(tests["alert"].sum())
        assert (tests["q_value"] >= tests["p_value"] - 1e-12).all()
    assert total_tests == 5 * 40 * 12  # every (topic, week): each has 11 other weeks of baseline
    assert alerts <= 2


def test_benjamini_hochberg_q_values() -> None:
    q = _bh(np.array([0.01, 0.04, 0.03, 0.5]))
    assert np.allclose(q, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert _bh(np.array([])).size == 0
    assert np.allclose(_bh(np.array([0.2, 0.9])), [0.4, 0.9])


def test_fdr_level_changes_the_alerts() -> None:
    counts = weekly_counts(_tags(surge=9))
    strict = detect_surges(counts, fdr=1e-6)
    loose = detect_surges(counts, fdr=0.2)
    assert {(s.topic_id, s.week_start) for s in strict} <= {(s.topic_id, s.week_start) for s in loose}
    assert all(s.q_value <= 0.2 for s in loose)


def test_daily_and_weekly_inputs_agree() -> None:
    tags = _tags(surge=25)
    from_weekly = surge_tests(weekly_counts(tags))
    from_daily = surge_tests(daily_counts(tags))
    pd.testing.assert_frame_equal(from_weekly, from_daily)
    assert list(from_weekly.columns) == list(TEST_COLUMNS)


def test_weekly_table_without_weekdays_falls_back_to_weekly_model() -> None:
    counts = weekly_counts(_tags(surge=25))[["topic_id", "week_start", "count", "negativity"]]
    assert [(s.topic_id, s.week_start) for s in detect_surges(counts)] == [(2, "2026-10-05")]


def test_deterministic_and_order_independent() -> None:
    tags = _tags(seed=4, surge=25)
    a = detect_surges(weekly_counts(tags))
    b = detect_surges(weekly_counts(tags.sample(frac=1.0, random_state=1)))
    assert a == b and len(a) == 1


def test_empty_and_degenerate_inputs() -> None:
    empty = pd.DataFrame({"topic_id": pd.Series(dtype="int64"), "started_at": pd.Series(dtype="datetime64[ns, UTC]")})
    wc = weekly_counts(empty)
    assert wc.empty and list(wc.columns) == list(WEEKLY_COLUMNS)
    assert daily_counts(empty).empty
    assert detect_surges(wc) == []
    assert surge_tests(wc).empty
    nat = pd.DataFrame({"topic_id": [0], "started_at": [pd.NaT]})
    assert detect_surges(weekly_counts(nat)) == []
    # only outliers, or a single week of data: nothing testable
    outliers = _tags().assign(topic_id=-1)
    assert detect_surges(weekly_counts(outliers)) == []
    one_week = _tags()
    one_week = one_week[one_week["started_at"] < START + pd.Timedelta(days=7)]
    assert detect_surges(weekly_counts(one_week)) == []
    # a topic that is always zero in the baseline and has one conversation later
    zeros = pd.concat(
        [_tags(), pd.DataFrame({"topic_id": [7], "started_at": [START + pd.Timedelta(days=60)]})], ignore_index=True
    )
    assert detect_surges(weekly_counts(zeros)) == []


def test_bad_input_and_settings_raise_library_errors() -> None:
    with pytest.raises(InputDataError):
        weekly_counts(pd.DataFrame({"topic_id": [0]}))
    with pytest.raises(InputDataError):
        detect_surges(pd.DataFrame({"topic_id": [0], "n": [1]}))
    counts = weekly_counts(_tags())
    for kwargs in ({"fdr": 0.0}, {"min_ratio": 0.5}, {"min_count": 0}, {"window_weeks": 0}, {"min_history_days": 3}):
        with pytest.raises(ConfigError) as err:
            detect_surges(counts, **kwargs)  # type: ignore[arg-type]
        assert isinstance(err.value, VocMinerError) and isinstance(err.value, ValueError)


def test_weekly_counts_fill_missing_weeks_with_zero() -> None:
    tags = pd.DataFrame({"topic_id": [0, 1], "started_at": pd.to_datetime(["2026-09-01", "2026-09-15"], utc=True)})
    wc = weekly_counts(tags)
    assert len(wc) == 6 and wc["count"].sum() == 2  # 2 topics x 3 weeks (the empty middle week included)
    assert list(wc["days"]) == [6, 7, 2] * 2  # 2026-09-01 (Tue) .. 2026-09-15 (Tue)
    first = wc.iloc[0]
    assert np.isnan(first["mon"]) and first["tue"] == 1 and first["wed"] == 0
    assert (wc[list(WEEKDAYS)].sum(axis=1) == wc["count"]).all()


def test_daily_counts_and_negativity() -> None:
    ts = pd.to_datetime(["2026-09-01 10:00", "2026-09-01 11:00", "2026-09-03 09:00"], utc=True)
    tags = pd.DataFrame({"topic_id": [0, 0, 1], "sentiment": [-0.9, 0.5, np.nan], "started_at": ts})
    dc = daily_counts(tags)
    assert len(dc) == 2 * 3 and dc["count"].sum() == 3
    row = dc[(dc["topic_id"] == 0) & (dc["date"] == "2026-09-01")].iloc[0]
    assert row["count"] == 2 and row["negativity"] == 0.5
    assert np.isnan(dc[(dc["topic_id"] == 1) & (dc["date"] == "2026-09-03")]["negativity"].iloc[0])
    wc = weekly_counts(tags)
    assert wc.loc[wc["topic_id"] == 0, "negativity"].iloc[0] == 0.5


def test_surge_fields_are_backward_compatible() -> None:
    s = Surge(topic_id=1, week_start="2026-10-05", count=9, expected=3.0, z=3.5, p_value=0.001, q_value=0.01)
    assert s.ratio is None and s.negativity is None and s.baseline_negativity is None


def test_growth_compares_windows() -> None:
    # the data begin on 08-24, before the previous window (08-25 .. 09-22): it is fully covered
    ts = pd.to_datetime(["2026-08-24"] + ["2026-09-05"] * 2 + ["2026-10-20"] * 6, utc=True)
    g = growth(pd.DataFrame({"topic_id": [1] + [0] * 8, "started_at": ts}), window_days=28)
    assert g == {0: 2.0}
    assert growth(pd.DataFrame({"topic_id": [0], "started_at": [pd.NaT]}), window_days=28) == {}


def test_no_growth_when_the_data_do_not_cover_the_previous_window() -> None:
    """Two weeks of data: the previous 28 days are empty because the export starts later, not because the
    topics are new; no growth is stated (it used to be +N00 % for every topic)."""
    ts = pd.to_datetime(["2026-10-06"] + ["2026-10-08"] * 3 + ["2026-10-20"] * 6, utc=True)
    tags = pd.DataFrame({"topic_id": [2, 0, 1, 1, 0, 0, 0, 1, 1, 1], "started_at": ts})
    assert growth(tags, window_days=28) == {}
    basis = rolling_growth_basis(tags, window_days=28)
    assert basis is not None and basis["measured"] is False and basis["previous_coverage"] == 0.0
    assert basis["data_start"].startswith("2026-10-06")
    # the same rows with a window of 7 days: the previous week (10-06 .. 10-13) is inside the data
    assert rolling_growth_basis(tags, window_days=7)["measured"] is True  # type: ignore[index]
    assert growth(tags, window_days=7) == {0: 2.0, 1: 0.5}
    # coverage just under the threshold
    first = pd.Timestamp("2026-09-02", tz="UTC")
    assert growth_basis(first, pd.Timestamp("2026-09-01", tz="UTC"), pd.Timestamp("2026-10-01", tz="UTC"))[
        "previous_coverage"
    ] == pytest.approx(29 / 30, abs=1e-4)
    assert period_coverage(first, first, first) == 0.0


def test_month_over_month_changes_need_significance() -> None:
    """+43 % on 7 conversations is noise, +123 % on 31 is not; month lengths count (a 31-day month after a
    30-day one is expected to have 3 % more); q-values are Benjamini–Hochberg over all causes."""
    q = change_q_values({1: 10, 2: 69, 3: 0}, {1: 7, 2: 31, 3: 0}, exposure=31 / 30)
    assert q[1] > 0.5 and q[2] < 0.01 and q[3] == 1.0
    # equal counts in equal periods: no evidence at all; 31 vs 30 per day-length: none either
    assert change_q_values({1: 50}, {1: 50}, exposure=1.0)[1] == pytest.approx(1.0)
    assert change_q_values({1: 31}, {1: 30}, exposure=31 / 30)[1] == pytest.approx(1.0)
    # one strong change among many stable causes survives the correction; a borderline one does not
    now = {i: 20 for i in range(20)} | {20: 60, 21: 30}
    before = {i: 20 for i in range(20)} | {20: 20, 21: 18}
    q = change_q_values(now, before, exposure=1.0)
    assert q[20] < 0.05 < q[21]


def test_days_and_weeks_follow_the_team_time_zone() -> None:
    """Sunday 20:00 UTC is Monday 04:00 in Shanghai: it belongs to the next ISO week and day there."""
    tags = pd.DataFrame({"topic_id": [0, 0], "started_at": pd.to_datetime(
        ["2026-10-11T20:00:00Z", "2026-10-12T10:00:00Z"], utc=True)})
    utc = weekly_counts(tags)
    sh = weekly_counts(tags, timezone="Asia/Shanghai")
    assert utc[["week_start", "count"]].values.tolist() == [["2026-10-05", 1], ["2026-10-12", 1]]
    assert sh[["week_start", "count", "mon"]].values.tolist() == [["2026-10-12", 2, 2.0]]
    assert daily_counts(tags, timezone="Asia/Shanghai")["date"].tolist() == ["2026-10-12"]
    assert daily_counts(tags)["date"].tolist() == ["2026-10-11", "2026-10-12"]
