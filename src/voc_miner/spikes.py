"""Topic trends over time and surge detection.

Counts
    :func:`daily_counts` and :func:`weekly_counts` give, per topic, the number of conversations and
    their *negativity* (share with sentiment < :data:`~voc_miner.types.NEGATIVE_SENTIMENT`) per calendar
    day and per ISO week (starting Monday) of the team's time zone (``timezone``, default UTC; see
    :mod:`voc_miner.timezones`). Every day / week between the first and the last timestamp of
    the corpus is present (0 when a topic has no conversation). The weekly table also carries each
    weekday's count (``mon`` … ``sun``, NaN for the days outside the corpus) and the number of covered
    ``days``, so the surge test models days without needing a second table.

Baseline
    For each topic and each tested week, a Poisson log-linear model of the **daily** counts::

        log E[y_d] = a + (B + b) * t_d + (G + g)[weekday(d)]

    fitted on the other weeks within ``window_weeks`` on either side of the tested week (for the last
    week of the corpus this is the history before it, so the test is prospective there). ``B`` and
    ``G`` are the trend and weekday profile of all topics together (fitted once on their sum);
    ``b`` and ``g`` are the topic's own deviations, with a ridge penalty: a topic with a few
    conversations a week follows the corpus's weekday profile and trend unless its data say
    otherwise, while a large topic gets its own. Overdispersion is a quasi-Poisson factor estimated
    from the weekly totals (week-to-week variation that daily noise does not explain), shrunk
    towards the factor of the daily Pearson residuals because a topic has few weeks; never below 1.

    Why this model rather than a robust seasonal baseline (e.g. the median of the same weekday in
    previous weeks): it uses every day of the window, so its expected value is precise with a few
    weeks of history; it extrapolates a trend, which medians cannot; it gives the variance of the
    expected value (parameter uncertainty) as well as of the new week, so a topic with little
    history is not flagged on a small absolute rise; and it copes with partial weeks at the ends of
    the corpus (only the covered days are expected). Robustness comes from refitting: weeks whose
    ``|z| > 3`` are left out of the other weeks' baselines and the fits are repeated (at most three
    rounds), so one surge neither inflates the baseline of its neighbours nor the dispersion.
    ``evaluation/surge_quality.py`` measures recall and false alarms on injected surges.

Test and alerts
    The week's count ``x`` is compared with the expected ``E`` (floored at ``min_expected``) under a
    negative binomial with mean ``E`` and variance ``phi * (E + Var(E_hat))``: one-sided p-value,
    ``z = (x - E) / sd``. Benjamini–Hochberg q-values are computed over every (topic, week) tested.
    An alert (a :class:`~voc_miner.types.Surge`) needs ``q <= fdr``, ``x >= min_count`` (a topic with a
    handful of conversations cannot alert) and ``x >= min_ratio * E`` (an effect size: at hundreds of
    conversations a day a 10% rise is significant but not a surge). The outlier topic -1 is not tested.

Example:
    >>> import pandas as pd
    >>> days = pd.date_range("2026-09-07", periods=56, freq="D", tz="UTC")
    >>> ts = list(days) * 2 + [pd.Timestamp("2026-10-06", tz="UTC")] * 30
    >>> tags = pd.DataFrame({"topic_id": 0, "started_at": ts})
    >>> [s.week_start for s in detect_surges(weekly_counts(tags))]
    ['2026-10-05']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError, InputDataError
from voc_miner.timezones import DEFAULT_TIMEZONE, to_local
from voc_miner.types import NEGATIVE_SENTIMENT, OUTLIER_TOPIC, Surge

#: Weekday columns of :func:`weekly_counts` (Monday first, as ``Timestamp.day_of_week``).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY_COLUMNS: tuple[str, ...] = ("topic_id", "date", "count", "negativity")
WEEKLY_COLUMNS: tuple[str, ...] = ("topic_id", "week_start", "count", "negativity", "days", *WEEKDAYS)
#: Columns of :func:`surge_tests`: one row per (topic, week) tested.
TEST_COLUMNS: tuple[str, ...] = (
    "topic_id",
    "week_start",
    "count",
    "expected",
    "ratio",
    "z",
    "p_value",
    "q_value",
    "dispersion",
    "negativity",
    "baseline_negativity",
    "alert",
)

# Ridge penalties (1 / prior variance) of a topic's deviations from the corpus: trend (log change per
# 28 days), prior sd 0.25; weekday effects, prior sd 0.25. The intercept is practically free.
_LAMBDA_TREND = 16.0
_LAMBDA_DOW = 16.0
_LAMBDA_INTERCEPT = 1e-4
_TREND_UNIT_DAYS = 28.0
_PRIOR_DOF = 4.0  # pseudo degrees of freedom of the weekly dispersion's shrinkage target
_OUTLIER_Z = 3.0
_ROUNDS = 3
_BLOCK = 256  # fits solved together (memory: BLOCK x units x params floats)


def week_start(ts: pd.Series, *, timezone: str = DEFAULT_TIMEZONE) -> pd.Series:
    """Monday (date string) of each timestamp's ISO week in ``timezone``."""
    t = to_local(ts, timezone)
    monday = t.dt.tz_localize(None).dt.normalize() - pd.to_timedelta(t.dt.day_of_week, unit="D")
    out: pd.Series = monday.dt.strftime("%Y-%m-%d")
    return out


def _by_conversation(tags: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """``topic_id, day`` (naive local midnight in ``timezone``) and ``neg`` (1/0, NaN when sentiment is unknown)."""
    missing = [c for c in ("topic_id", "started_at") if c not in tags.columns]
    if missing:
        raise InputDataError(f"tags lack column(s) {missing}; expected the tag table of VocMiner (tags_).")
    df = tags.dropna(subset=["started_at"])
    day = to_local(df["started_at"], timezone).dt.tz_localize(None).dt.normalize()
    if "sentiment" in df.columns:
        s = pd.to_numeric(df["sentiment"], errors="coerce").to_numpy(dtype=float)
        neg = np.where(np.isnan(s), np.nan, (s < NEGATIVE_SENTIMENT).astype(float))
    else:
        neg = np.full(len(df), np.nan)
    return pd.DataFrame({"topic_id": df["topic_id"].to_numpy(dtype="int64"), "day": day.to_numpy(), "neg": neg})


def daily_counts(tags: pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """Long table ``topic_id, date, count, negativity``, one row per topic and calendar day in ``timezone``.

    Every day from the first to the last timestamp is present for every topic (count 0, negativity
    NaN when the topic has no conversation that day). ``date`` is ``YYYY-MM-DD``.
    """
    d = _by_conversation(tags, timezone)
    if d.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("topic_id", "count") else object) for c in DAILY_COLUMNS}
        )
    days = pd.date_range(d["day"].min(), d["day"].max(), freq="D")
    topics = sorted(int(t) for t in d["topic_id"].unique())
    agg = d.groupby(["topic_id", "day"]).agg(count=("day", "size"), negativity=("neg", "mean"))
    full = pd.MultiIndex.from_product([topics, days], names=["topic_id", "day"])
    out = agg.reindex(full).reset_index()
    out["count"] = out["count"].fillna(0).astype("int64")
    out["date"] = out["day"].dt.strftime("%Y-%m-%d")
    return out[list(DAILY_COLUMNS)]


def weekly_counts(tags: pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """Long table ``topic_id, week_start, count, negativity, days, mon … sun``, one row per topic and week.

    Every ISO week (Monday, in ``timezone``) from the first to the last timestamp is present for every topic
    (count 0 when it has none). ``days`` is the number of the week's days inside the corpus (less than
    7 for a first or last partial week); ``mon`` … ``sun`` are the counts per weekday, NaN for a day
    outside the corpus. :func:`detect_surges` uses the weekday counts to model weekday seasonality.
    """
    d = _by_conversation(tags, timezone)
    if d.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("topic_id", "count", "days") else object) for c in WEEKLY_COLUMNS}
        )
    first, last = d["day"].min(), d["day"].max()
    monday0 = first - pd.Timedelta(days=first.day_of_week)
    mondays = pd.date_range(monday0, last, freq="7D")
    topics = sorted(int(t) for t in d["topic_id"].unique())
    d = d.assign(monday=d["day"] - pd.to_timedelta(d["day"].dt.day_of_week, unit="D"), dow=d["day"].dt.day_of_week)
    full = pd.MultiIndex.from_product([topics, mondays], names=["topic_id", "monday"])
    agg = d.groupby(["topic_id", "monday"]).agg(count=("day", "size"), negativity=("neg", "mean")).reindex(full)
    per_day = d.groupby(["topic_id", "monday", "dow"]).size().unstack("dow").reindex(index=full, columns=range(7))
    out = agg.reset_index()
    out["count"] = out["count"].fillna(0).astype("int64")
    dates = out["monday"].to_numpy()[:, None] + np.arange(7) * np.timedelta64(1, "D")
    covered = (dates >= first.to_datetime64()) & (dates <= last.to_datetime64())
    values = np.where(covered, per_day.fillna(0).to_numpy(dtype=float), np.nan)
    for j, name in enumerate(WEEKDAYS):
        out[name] = values[:, j]
    out["days"] = covered.sum(axis=1).astype("int64")
    out["week_start"] = out["monday"].dt.strftime("%Y-%m-%d")
    return out[list(WEEKLY_COLUMNS)]


# --------------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True, kw_only=True, eq=False)
class _Panel:
    """Counts of the tested topics on a common time grid of *units* (days, or weeks as a fallback)."""

    topics: np.ndarray  # (T,) topic ids
    weeks: list[str]  # (K,) week_start strings
    y: np.ndarray  # (T, N) count per unit
    unit_week: np.ndarray  # (N,) index of each unit's week
    time: np.ndarray  # (N,) days since the first Monday (unit middle)
    dow: np.ndarray | None  # (N,) weekday of each unit; None when units are weeks
    exposure: np.ndarray  # (N,) covered days of each unit
    weekly: np.ndarray  # (T, K) count per week
    negative: np.ndarray  # (T, K) negative conversations per week (NaN: unknown)


def _panel(counts: pd.DataFrame) -> _Panel | None:
    """The model's view of a :func:`weekly_counts` (or :func:`daily_counts`) table; None when empty."""
    if "date" in counts.columns and "week_start" not in counts.columns:
        counts = _weekly_from_daily(counts)
    missing = [c for c in ("topic_id", "week_start", "count") if c not in counts.columns]
    if missing:
        raise InputDataError(
            f"counts lack column(s) {missing}; pass the table of weekly_counts(tags) or daily_counts(tags)."
        )
    c = counts[counts["topic_id"] != OUTLIER_TOPIC]
    if c.empty:
        return None
    topics = np.asarray(sorted(int(t) for t in c["topic_id"].unique()), dtype="int64")
    weeks = sorted(str(w) for w in c["week_start"].unique())
    idx = pd.MultiIndex.from_product([topics, weeks], names=["topic_id", "week_start"])
    c = c.assign(topic_id=c["topic_id"].astype("int64"), week_start=c["week_start"].astype(str))
    c = c.set_index(["topic_id", "week_start"]).reindex(idx)
    t_n, k_n = len(topics), len(weeks)
    weekly = c["count"].fillna(0).to_numpy(dtype=float).reshape(t_n, k_n)
    if "negativity" in c.columns:
        neg = pd.to_numeric(c["negativity"], errors="coerce").to_numpy(dtype=float).reshape(t_n, k_n)
        negative = np.where(weekly > 0, neg * weekly, 0.0)
    else:
        negative = np.full((t_n, k_n), np.nan)
    monday = (pd.to_datetime(pd.Series(weeks)) - pd.Timestamp(weeks[0])).dt.days.to_numpy()
    if all(w in c.columns for w in WEEKDAYS):
        vals = c[list(WEEKDAYS)].to_numpy(dtype=float).reshape(t_n, k_n, 7)
        covered = ~np.isnan(vals).all(axis=0)  # (K, 7): a day is in the corpus for all topics or none
        kk, jj = np.nonzero(covered)  # row-major: chronological
        y = np.nan_to_num(vals[:, kk, jj])
        return _Panel(
            topics=topics,
            weeks=weeks,
            y=y,
            unit_week=kk,
            time=(monday[kk] + jj + 0.5).astype(float),
            dow=jj,
            exposure=np.ones(len(kk)),
            weekly=weekly,
            negative=negative,
        )
    if "days" in c.columns:
        days = c["days"].to_numpy(dtype=float).reshape(t_n, k_n)
        exposure = np.nan_to_num(days, nan=0.0).max(axis=0)
        exposure = np.where(exposure > 0, exposure, 7.0)
    else:
        exposure = np.full(k_n, 7.0)
    return _Panel(
        topics=topics,
        weeks=weeks,
        y=weekly,
        unit_week=np.arange(k_n),
        time=(monday + 3.5).astype(float),
        dow=None,
        exposure=np.maximum(exposure, 1.0),
        weekly=weekly,
        negative=negative,
    )


def _weekly_from_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """A :func:`weekly_counts` table from a :func:`daily_counts` table."""
    day = pd.to_datetime(daily["date"])
    cnt = daily["count"].astype(float)
    neg = pd.to_numeric(daily.get("negativity", pd.Series(np.nan, index=daily.index)), errors="coerce")
    frame = pd.DataFrame(
        {
            "topic_id": daily["topic_id"].astype("int64"),
            "monday": day - pd.to_timedelta(day.dt.day_of_week, unit="D"),
            "dow": day.dt.day_of_week,
            "count": cnt,
            "negn": (neg * cnt).where(cnt > 0, 0.0),
            "known": cnt.where(neg.notna(), 0.0),
        }
    )
    g = frame.groupby(["topic_id", "monday"])
    out = g.agg(count=("count", "sum"), negn=("negn", "sum"), known=("known", "sum"))
    out["negativity"] = (out["negn"] / out["known"]).where(out["known"] > 0)
    per_day = frame.pivot_table(index=["topic_id", "monday"], columns="dow", values="count", aggfunc="sum")
    per_day = per_day.reindex(index=out.index, columns=range(7))
    out = out.reset_index()
    for j, name in enumerate(WEEKDAYS):
        out[name] = per_day[j].to_numpy()
    out["days"] = per_day.notna().sum(axis=1).to_numpy()
    out["week_start"] = out["monday"].dt.strftime("%Y-%m-%d")
    out["count"] = out["count"].astype("int64")
    return out[list(WEEKLY_COLUMNS)]


def _design(panel: _Panel) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix ``[1, trend, weekday contrasts]`` and the ridge penalty of each column."""
    trend = (panel.time - panel.time.mean()) / _TREND_UNIT_DAYS
    cols = [np.ones_like(trend), trend]
    lam = [_LAMBDA_INTERCEPT, _LAMBDA_TREND]
    if panel.dow is not None:
        for j in range(7):  # sum-to-zero contrasts: the ridge keeps them identifiable and symmetric
            cols.append((panel.dow == j).astype(float) - 1.0 / 7.0)
            lam.append(_LAMBDA_DOW)
    return np.column_stack(cols), np.asarray(lam)


def _newton(
    x: np.ndarray, offset: np.ndarray, y: np.ndarray, w: np.ndarray, lam: np.ndarray, theta0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge-penalised Poisson regressions, many at once (one per row of ``y`` / ``w``).

    Returns the coefficients ``(M, P)``, fitted means ``(M, N)`` and inverse penalised Hessians ``(M, P, P)``.
    """
    theta = theta0.copy()
    penalty = np.diag(lam)
    for _ in range(60):
        mu = np.exp(np.clip(theta @ x.T + offset, -30.0, 30.0))
        grad = (w * (y - mu)) @ x - lam * (theta - theta0)
        hess = np.swapaxes((w * mu)[:, :, None] * x[None], 1, 2) @ x + penalty
        step = np.clip(np.linalg.solve(hess, grad[:, :, None])[:, :, 0], -2.0, 2.0)
        theta += step
        if float(np.abs(step).max()) < 1e-7:
            break
    mu = np.exp(np.clip(theta @ x.T + offset, -30.0, 30.0))
    hess = np.swapaxes((w * mu)[:, :, None] * x[None], 1, 2) @ x + penalty
    return theta, mu, np.linalg.inv(hess)


def _corpus_offset(panel: _Panel, x: np.ndarray) -> np.ndarray:
    """Log trend and weekday effect of all topics together, per unit (the topics' common baseline shape).

    Fitted on the sum of the topics with a light ridge; the topic fits add their own (penalised)
    deviations, so a small topic follows the corpus and a large one its own data.
    """
    total = panel.y.sum(axis=0, keepdims=True)
    light = np.full(x.shape[1], 1e-2)
    light[0] = _LAMBDA_INTERCEPT
    theta0 = np.zeros((1, x.shape[1]))
    theta0[0, 0] = np.log((total.sum() + 0.5) / panel.exposure.sum())
    theta, _, _ = _newton(x, np.log(panel.exposure), total, np.ones_like(total), light, theta0)
    shape = theta[0].copy()
    shape[0] = 0.0
    if panel.dow is not None:
        shape[2:] -= shape[2:].mean()
    return np.asarray(x @ shape, dtype=float)


def _fit_week(
    panel: _Panel,
    x: np.ndarray,
    lam: np.ndarray,
    offset: np.ndarray,
    k: int,
    topics: np.ndarray,
    use: np.ndarray,
    window_weeks: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected count of week ``k``, its variance (parameter part) and the dispersion, for ``topics``.

    ``use`` (len(topics), K) marks the weeks each topic's baseline may use; only the units of the
    weeks within ``window_weeks`` of ``k`` enter the fit.
    """
    k_lo, k_hi = max(0, k - window_weeks), min(panel.weekly.shape[1], k + window_weeks + 1)
    units = np.nonzero((panel.unit_week >= k_lo) & (panel.unit_week < k_hi))[0]
    lo, hi = int(units[0]), int(units[-1]) + 1
    uw = panel.unit_week[lo:hi] - k_lo
    xs, off, expo = x[lo:hi], offset[lo:hi], panel.exposure[lo:hi]
    test = uw == k - k_lo
    week_of = np.zeros((hi - lo, k_hi - k_lo))
    week_of[np.arange(hi - lo), uw] = 1.0
    n_par = x.shape[1]
    out = np.empty((3, len(topics)))
    for s in range(0, len(topics), _BLOCK):
        sl = slice(s, s + _BLOCK)
        y = panel.y[topics[sl], lo:hi]
        incl = use[sl, k_lo:k_hi]
        w = incl[:, uw].astype(float)
        theta0 = np.zeros((len(y), n_par))
        theta0[:, 0] = np.log(((w * y).sum(axis=1) + 0.5) / (w * expo).sum(axis=1))
        _, mu, hinv = _newton(xs, off, y, w, lam, theta0)
        g = mu[:, test] @ xs[test]
        out[0, sl] = mu[:, test].sum(axis=1)
        out[1, sl] = np.einsum("mp,mpq,mq->m", g, hinv, g)
        edf = n_par - np.einsum("mpp,p->m", hinv, lam)
        n_used = w.sum(axis=1)
        pearson = (w * (y - mu) ** 2 / np.maximum(mu, 1e-12)).sum(axis=1)
        if panel.dow is not None:
            # week-to-week variation beyond the daily noise, shrunk towards the daily dispersion
            obs_w, fit_w = (w * y) @ week_of, (w * mu) @ week_of
            pearson_w = (incl * (obs_w - fit_w) ** 2 / np.maximum(fit_w, 1.0)).sum(axis=1)
            dof_w = np.maximum(incl.sum(axis=1) - 2.0, 0.0)
            target = np.maximum(pearson / np.maximum(n_used - edf, 1.0), 1.0)
        else:
            pearson_w, dof_w, target = pearson, np.maximum(n_used - edf, 0.0), np.ones(len(y))
        out[2, sl] = np.maximum((pearson_w + _PRIOR_DOF * target) / (dof_w + _PRIOR_DOF), 1.0)
    return out[0], out[1], out[2]


def _tests(panel: _Panel, *, window_weeks: int, min_history_days: int, min_expected: float) -> pd.DataFrame:
    """Expected count, dispersion, z and p-value of every testable (topic, week), after robust refitting."""
    from scipy.stats import nbinom, poisson  # imported here: scipy.stats costs ~2 s at CLI start-up

    x, lam = _design(panel)
    offset = np.log(panel.exposure) + _corpus_offset(panel, x)
    t_n, k_n = panel.weekly.shape
    week_days = np.bincount(panel.unit_week, weights=panel.exposure, minlength=k_n)
    near = np.abs(np.arange(k_n)[:, None] - np.arange(k_n)[None, :]) <= window_weeks  # (K, K)
    outlier = np.zeros((t_n, k_n), dtype=bool)
    used = np.zeros((t_n, k_n, k_n), dtype=bool)  # baseline weeks of each (topic, week) last fitted
    fitted = np.zeros((t_n, k_n), dtype=bool)
    expected, var_hat, phi = np.zeros((t_n, k_n)), np.zeros((t_n, k_n)), np.ones((t_n, k_n))
    z = np.zeros((t_n, k_n))
    for _ in range(_ROUNDS):
        for k in range(k_n):
            use = near[k][None, :] & ~outlier
            use[:, k] = False
            ok = (use * week_days).sum(axis=1) >= min_history_days
            redo = ok & ~(fitted[:, k] & (used[:, k] == use).all(axis=1))
            fitted[~ok, k] = False
            if not redo.any():
                continue
            topics = np.nonzero(redo)[0]
            e, v, f = _fit_week(panel, x, lam, offset, k, topics, use[topics], window_weeks)
            expected[topics, k], var_hat[topics, k], phi[topics, k] = e, v, f
            used[topics, k] = use[topics]
            fitted[topics, k] = True
        e_f = np.maximum(expected, min_expected * week_days[None, :] / 7.0)
        z = (panel.weekly - e_f) / np.sqrt(phi * (e_f + var_hat))
        new_outlier = fitted & (np.abs(z) > _OUTLIER_Z)
        if (new_outlier == outlier).all():
            break
        outlier = new_outlier
    ti, ki = np.nonzero(fitted)
    obs, e_f = panel.weekly[ti, ki], np.maximum(expected[ti, ki], min_expected * week_days[ki] / 7.0)
    var = phi[ti, ki] * (e_f + var_hat[ti, ki])
    over = var - e_f
    size = e_f**2 / np.maximum(over, 1e-12)
    p = np.where(over > 1e-9 * e_f, nbinom.sf(obs - 1, size, size / (size + e_f)), poisson.sf(obs - 1, e_f))
    return pd.DataFrame(
        {
            "t": ti,
            "k": ki,
            "count": obs,
            "expected": e_f,
            "z": (obs - e_f) / np.sqrt(var),
            "p_value": np.clip(p, 0.0, 1.0),
            "dispersion": phi[ti, ki],
        }
    )


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values)."""
    m = len(p)
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def _check(fdr: float, min_ratio: float, min_count: int, window_weeks: int, min_history_days: int) -> None:
    if not 0.0 < fdr <= 1.0:
        raise ConfigError(f"fdr must be in (0, 1], got {fdr!r}.")
    if min_ratio < 1.0:
        raise ConfigError(f"min_ratio must be >= 1 (a surge is a rise), got {min_ratio!r}.")
    if min_count < 1:
        raise ConfigError(f"min_count must be >= 1, got {min_count!r}.")
    if window_weeks < 1:
        raise ConfigError(f"window_weeks must be >= 1, got {window_weeks!r}.")
    if min_history_days < 7:
        raise ConfigError(f"min_history_days must be >= 7, got {min_history_days!r}.")


def surge_tests(
    counts: pd.DataFrame,
    *,
    fdr: float = 0.05,
    min_ratio: float = 1.5,
    min_count: int = 5,
    window_weeks: int = 13,
    min_history_days: int = 21,
    min_expected: float = 1.0,
) -> pd.DataFrame:
    """Every (topic, week) tested, with its baseline, z, p and q-value and whether it alerts.

    Args:
        counts: :func:`weekly_counts` (or :func:`daily_counts`) table. A weekly table without the
            weekday columns is modelled at the week level (trend, no weekday seasonality).
        fdr: Benjamini–Hochberg false-discovery rate over all tested (topic, week) pairs.
        min_ratio: an alert needs ``count >= min_ratio * expected``.
        min_count: an alert needs at least this many conversations in the week.
        window_weeks: the baseline of a week uses the weeks up to this far before and after it.
        min_history_days: a week is tested only when its baseline has at least this many days.
        min_expected: floor of the expected weekly count (per 7 covered days).

    Returns:
        A DataFrame with :data:`TEST_COLUMNS`, ordered by topic and week (empty when nothing is testable).
    """
    _check(fdr, min_ratio, min_count, window_weeks, min_history_days)
    panel = _panel(counts)
    if panel is None:
        return pd.DataFrame(columns=list(TEST_COLUMNS))
    r = _tests(panel, window_weeks=window_weeks, min_history_days=min_history_days, min_expected=min_expected)
    if r.empty:
        return pd.DataFrame(columns=list(TEST_COLUMNS))
    ti, ki = r["t"].to_numpy(dtype=int), r["k"].to_numpy(dtype=int)
    q = _bh(r["p_value"].to_numpy(dtype=float))
    obs, e_f = r["count"].to_numpy(dtype=float), r["expected"].to_numpy(dtype=float)
    neg_w = panel.negative[ti, ki]
    cnt = panel.weekly
    known = np.where(np.isnan(panel.negative), 0.0, cnt)
    neg_tot = np.nansum(panel.negative, axis=1)[ti] - np.nan_to_num(neg_w)
    known_tot = known.sum(axis=1)[ti] - known[ti, ki]
    out = pd.DataFrame(
        {
            "topic_id": panel.topics[ti],
            "week_start": [panel.weeks[k] for k in ki],
            "count": obs.astype("int64"),
            "expected": e_f,
            "ratio": obs / e_f,
            "z": r["z"].to_numpy(dtype=float),
            "p_value": r["p_value"].to_numpy(dtype=float),
            "q_value": q,
            "dispersion": r["dispersion"].to_numpy(dtype=float),
            "negativity": np.where((obs > 0) & ~np.isnan(neg_w), neg_w / np.maximum(obs, 1.0), np.nan),
            "baseline_negativity": np.where(known_tot > 0, neg_tot / np.maximum(known_tot, 1.0), np.nan),
        }
    )
    out["alert"] = (out["q_value"] <= fdr) & (obs >= min_count) & (obs >= min_ratio * e_f)
    return out[list(TEST_COLUMNS)].reset_index(drop=True)


def _opt(v: float) -> float | None:
    return None if not np.isfinite(v) else round(float(v), 4)


def detect_surges(
    counts: pd.DataFrame,
    *,
    fdr: float = 0.05,
    min_ratio: float = 1.5,
    min_count: int = 5,
    window_weeks: int = 13,
    min_history_days: int = 21,
    min_expected: float = 1.0,
) -> list[Surge]:
    """Surging (topic, week) pairs, most significant first; see :func:`surge_tests` for the arguments."""
    tests = surge_tests(
        counts,
        fdr=fdr,
        min_ratio=min_ratio,
        min_count=min_count,
        window_weeks=window_weeks,
        min_history_days=min_history_days,
        min_expected=min_expected,
    )
    out = [
        Surge(
            topic_id=int(r["topic_id"]),
            week_start=str(r["week_start"]),
            count=int(r["count"]),
            expected=round(float(r["expected"]), 2),
            z=round(float(r["z"]), 2),
            p_value=float(r["p_value"]),
            q_value=float(r["q_value"]),
            ratio=round(float(r["ratio"]), 2),
            negativity=_opt(float(r["negativity"])),
            baseline_negativity=_opt(float(r["baseline_negativity"])),
        )
        for r in tests[tests["alert"]].to_dict("records")
    ]
    return sorted(out, key=lambda s: (s.p_value, s.topic_id, s.week_start))


def group_weekly(trends: pd.DataFrame, topic_ids: Sequence[int]) -> pd.DataFrame:
    """Weekly conversations of a root cause: ``week_start, count`` of :func:`weekly_counts` summed over its topics."""
    rows = trends[trends["topic_id"].isin([int(t) for t in topic_ids])]
    return rows.groupby("week_start")["count"].sum().reset_index()  # groupby sorts the weeks


def relative_change(now: float, before: float) -> float:
    """``(now - before) / max(before, 1)``: the growth of a topic, cause or department between two periods
    (a count born from nothing grows by its own size rather than dividing by zero)."""
    return (float(now) - float(before)) / max(float(before), 1.0)


#: Share of the earlier period that must lie inside the data before a growth is stated. A period that starts
#: before the first conversation is counted short and every topic seems to grow: a first export of two weeks
#: read "+2600% on the previous 28 days" for every cause, and growth raised every impact score.
MIN_PREVIOUS_COVERAGE = 0.95


def period_coverage(first: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Share of the period from ``start`` to ``end`` that lies at or after ``first`` (the data's first
    conversation), in [0, 1].

    Example:
        >>> ts = pd.Timestamp
        >>> period_coverage(ts("2026-09-20", tz="UTC"), ts("2026-09-01", tz="UTC"), ts("2026-10-01", tz="UTC"))
        0.3667
    """
    span = (end - start).total_seconds()
    if span <= 0:
        return 0.0
    covered = (end - max(first, start)).total_seconds()
    return round(min(max(covered / span, 0.0), 1.0), 4)


def growth_basis(first: pd.Timestamp, previous_start: pd.Timestamp, previous_end: pd.Timestamp) -> dict[str, Any]:
    """What a growth compares with, for ``root_causes.json``: the previous period, the share of it the data
    cover, and whether that is enough (:data:`MIN_PREVIOUS_COVERAGE`) for growth to be measured at all."""
    coverage = period_coverage(first, previous_start, previous_end)
    return {
        "data_start": first.isoformat(),
        "previous_start": previous_start.isoformat(),
        "previous_end": previous_end.isoformat(),
        "previous_coverage": coverage,
        "measured": coverage >= MIN_PREVIOUS_COVERAGE,
    }


def current_period(last: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, Any]:
    """How much of a reported period ``[start, end)`` the data reach, for :func:`growth_basis`'s document:
    ``current_end`` (the midnight after the last conversation ``last``, at most ``end``), ``current_days``,
    ``current_coverage`` and ``pro_rated`` (whether it ends early, so that growth compares with the previous
    period scaled to the same length).

    Example:
        >>> ts = pd.Timestamp
        >>> p = current_period(ts("2026-11-14 18:00", tz="UTC"), ts("2026-11-01", tz="UTC"), ts("2026-12-01", tz="UTC"))
        >>> p["current_days"], p["current_coverage"], p["pro_rated"]
        (14.0, 0.4667, True)
    """
    stop = min(end, max(start, last.normalize() + pd.Timedelta(days=1)))
    days = (stop - start) / pd.Timedelta(days=1)
    return {
        "current_end": stop.isoformat(),
        "current_days": round(float(days), 4),
        "current_coverage": round(float(days / ((end - start) / pd.Timedelta(days=1))), 4),
        "pro_rated": bool(stop < end),
    }


def rolling_growth_basis(
    tags: pd.DataFrame, *, window_days: int, timezone: str = DEFAULT_TIMEZONE
) -> dict[str, Any] | None:
    """:func:`growth_basis` of :func:`growth`'s previous window (dates written in ``timezone``); None without
    timestamps."""
    t = to_local(tags["started_at"], timezone).dropna()
    if t.empty:
        return None
    end = t.max()
    w = pd.Timedelta(days=window_days)
    return growth_basis(t.min(), end - 2 * w, end - w)


def change_q_values(now: Mapping[int, int], before: Mapping[int, int], *, exposure: float) -> dict[int, float]:
    """Per id, the Benjamini–Hochberg q-value of "its count changed" between a previous and a current period.

    With no change, an id's ``now`` of its ``now + before`` conversations is binomial with
    ``p = exposure / (1 + exposure)``, ``exposure`` = length of the current period / length of the previous one
    (31 October days against 30 September days); exact two-sided test (scipy), q-values over all ids. A cause
    going from 7 to 10 conversations (+43 %) is not a change at this size (p = 0.63); 31 to 69 is (p < 0.001).

    Example:
        >>> q = change_q_values({1: 10, 2: 69}, {1: 7, 2: 31}, exposure=31 / 30)
        >>> q[1] > 0.5, q[2] < 0.001
        (True, True)
    """
    from scipy.stats import binomtest

    ids = sorted(set(now) | set(before))
    p0 = exposure / (1.0 + exposure)
    p = np.ones(len(ids))
    for j, i in enumerate(ids):
        k, n = int(now.get(i, 0)), int(now.get(i, 0) + before.get(i, 0))
        if n:
            p[j] = binomtest(k, n, p0).pvalue
    return {i: float(q) for i, q in zip(ids, _bh(p), strict=True)}


def window_counts(tags: pd.DataFrame, *, window_days: int) -> dict[int, tuple[int, int]]:
    """Each topic's conversations in the last ``window_days`` and in the window before: ``{id: (recent,
    previous)}``. Empty when there are no timestamps or when the data do not cover the previous window
    (:func:`rolling_growth_basis`): counted short, it would make every topic look like it grew."""
    df = tags.dropna(subset=["started_at"])
    basis = rolling_growth_basis(df, window_days=window_days)
    if basis is None or not basis["measured"]:
        return {}
    t = pd.to_datetime(df["started_at"], utc=True)
    end = t.max()
    recent = t > end - pd.Timedelta(days=window_days)
    prev = (t <= end - pd.Timedelta(days=window_days)) & (t > end - pd.Timedelta(days=2 * window_days))
    r = df[recent.to_numpy()].groupby("topic_id").size()
    p = df[prev.to_numpy()].groupby("topic_id").size()
    return {int(tid): (int(r.get(tid, 0)), int(p.get(tid, 0))) for tid in sorted(set(r.index) | set(p.index))}


def growth(tags: pd.DataFrame, *, window_days: int) -> dict[int, float]:
    """Relative change of each topic's volume: last ``window_days`` vs the window before,
    ``(recent - previous) / max(previous, 1)``; empty when not measured (:func:`window_counts`)."""
    return {tid: relative_change(r, p) for tid, (r, p) in window_counts(tags, window_days=window_days).items()}
