"""The bad-input corpus (tests/bad_inputs/cases.yaml) through the Python API and the CLI.

0 crashes, 0 lost rows: every case either gives its expected one-line error, or every input
row comes out accepted or rejected with a documented reason, with the expected counts.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voc_miner.config import ColumnsConfig, IngestConfig
from voc_miner.errors import InputDataError
from voc_miner.io import REJECT_REASONS, REJECT_TABLE_COLUMNS, IngestResult, ingest

HERE = Path(__file__).resolve().parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
RAW_PII = ("13812345678", "138-1234-5678", "zhang.san@example.com", "11010519491231002X", "4111 1111 1111 1111")


def _config(case: dict[str, Any]) -> IngestConfig:
    opts = dict(case.get("options") or {})
    if "columns" in opts:
        opts["columns"] = ColumnsConfig(**opts["columns"])
    return IngestConfig(**opts)


def _case_id(case: dict[str, Any]) -> str:
    return str(case.get("id") or case["file"])


def check_result(case: dict[str, Any], res: IngestResult) -> None:
    """Assert everything a case expects of an ingest result (shared by the API and CLI tests)."""
    counts = res.counts()
    assert counts["read"] == res.n_rows == len(res.turns) + len(res.rejects), counts
    # each input row exactly once, either accepted or rejected
    rows = sorted([*res.turns["row"].tolist(), *res.rejects["row"].tolist()])
    assert rows == list(range(res.n_rows))
    assert set(res.rejects["reason"]) <= set(REJECT_REASONS), set(res.rejects["reason"])
    assert (res.rejects["detail"].str.len() > 0).all()
    assert counts["read"] == case["read"]
    assert counts["accepted"] == case["accepted"]
    want = {f"rejected:{k}": v for k, v in (case.get("rejected") or {}).items()}
    got = {k: v for k, v in counts.items() if k.startswith("rejected:")}
    assert got == want
    for key, value in (case.get("counts") or {}).items():
        assert counts.get(key) == value, (key, counts)
    for row, reason in (case.get("rejected_rows") or {}).items():
        assert res.rejects.set_index("row").loc[row, "reason"] == reason
    text = "\n".join(res.turns["text"])
    for frag in case.get("texts_contain") or []:
        assert frag in text, frag
    everything = text + "\n".join(res.rejects["detail"])
    for frag in [*(case.get("texts_exclude") or []), *RAW_PII]:
        assert frag not in everything, frag
    if "langs" in case:
        assert res.turns.sort_values("row")["lang"].tolist() == case["langs"]
    if "timestamps" in case:
        ts = res.turns.set_index("conversation_id")["timestamp"]
        for cid, want_ts in case["timestamps"].items():
            assert str(ts[cid]) == want_ts, (cid, ts[cid])


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case_through_python_api(case: dict[str, Any]) -> None:
    if case.get("needs") and importlib.util.find_spec(case["needs"]) is None:
        pytest.skip(f"optional dependency {case['needs']} not installed")
    source = HERE / case["file"]
    if "error" in case:
        with pytest.raises(InputDataError) as info:
            ingest(source, config=_config(case))
        msg = str(info.value)
        assert case["error"] in msg
        assert "\n" not in msg and ";" in msg  # one line: the problem; the fix
        return
    res = ingest(source, config=_config(case))
    check_result(case, res)
    if "encoding" in case:
        assert res.encodings == {str(source): case["encoding"]}
    assert list(res.rejects.columns) == list(REJECT_TABLE_COLUMNS)
    assert res.rejects["source"].eq(str(source)).all()


def test_corpus_is_big_and_every_file_is_used() -> None:
    files = {c["file"] for c in CASES}
    assert len(CASES) >= 30
    on_disk = {p.name for p in HERE.iterdir()
               if p.is_file() and p.name not in ("cases.yaml", "make_cases.py") and not p.name.startswith(".")}
    assert files == on_disk


def test_all_files_at_once_keep_every_row() -> None:
    """Several files in one call: rows are numbered across files and the rejects name their file."""
    names = ["utf8_plain.csv", "gb18030_rare_chars.csv", "speaker_problems.csv", "other_languages.csv"]
    cases = {c["file"]: c for c in CASES if "id" not in c}
    res = ingest([HERE / n for n in names])
    assert res.n_rows == sum(cases[n]["read"] for n in names) == len(res.turns) + len(res.rejects)
    assert len(res.turns) == sum(cases[n]["accepted"] for n in names)
    assert set(res.encodings.values()) == {"utf-8", "gb18030"}
    assert set(res.rejects["source"]) == {str(HERE / "speaker_problems.csv"), str(HERE / "other_languages.csv")}


# ---------------------------------------------------------------------------- CLI
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "voc_miner.cli", *args]
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)


def _one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    for f in fragments:
        assert f in lines[0], lines[0]


@pytest.mark.parametrize("case", [c for c in CASES if c.get("cli")], ids=_case_id)
def test_case_through_cli(case: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_cli("fit", str(HERE / case["file"]), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    rejects = pd.read_csv(out / "rejects.csv", dtype={"conversation_id": str}, keep_default_na=False)
    want = {k: v for k, v in (case.get("rejected") or {}).items()}
    assert rejects["reason"].value_counts().to_dict() == want
    accepted = case["accepted"]
    assert f"rows read {case['read']}, accepted {accepted}, rejected {case['read'] - accepted}" in proc.stdout
    turns = pd.read_parquet(out / "turns.parquet")
    tags = pd.read_parquet(out / "tags.parquet")
    # every conversation with an accepted customer turn is tagged; rows add up
    assert set(tags["conversation_id"]) == set(turns["conversation_id"])
    raw = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.suffix in
                    (".json", ".md", ".html", ".csv"))
    for frag in RAW_PII:
        assert frag not in raw
    # a few days of tickets: nothing to compare with, so no growth is stated
    doc = json.loads((out / "root_causes.json").read_text(encoding="utf-8"))
    if "growth_basis" in doc and not doc["growth_basis"]["measured"]:
        assert all(rc["growth"] == 0 and "previous" not in rc["recommended_fix"] for rc in doc["root_causes"])
        assert "Growth not measured" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--encoding", "klingon"], ["Unknown encoding 'klingon'", "--encoding"]),
        (["--speaker-col", "role"], ["Speaker column 'role' not found", "--speaker-col"]),
        (["--text-col", "body"], ["Text column 'body' not found", "--text-col"]),
    ],
    ids=["unknown-encoding", "missing-speaker-column", "missing-text-column"],
)
def test_wrong_options_through_cli(args: list[str], fragments: list[str], tmp_path: Path) -> None:
    proc = run_cli("fit", str(HERE / "utf8_plain.csv"), "--out", str(tmp_path / "o"), "-q", *args)
    _one_line_error(proc, *fragments)


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("xlsx_renamed.csv", ["is a ZIP archive", "export it as CSV"]),
        ("truncated.parquet", ["cannot be read as Parquet"]),
        ("bad_inputs", ["is a directory"]),
    ],
)
def test_unreadable_files_through_cli(name: str, fragments: list[str], tmp_path: Path) -> None:
    path = HERE / name if name != "bad_inputs" else HERE
    _one_line_error(run_cli("fit", str(path), "--out", str(tmp_path / "o"), "-q"), *fragments)


# ---------------------------------------------------------------------------- property
_TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "\t\n", "\u3000", "nan", "NULL", "😡😡", "[哭]", "13812345678", "zhang.san@example.com",
        "包裹被压坏了", "Refund please", "这个app老是crash", "荷物が届きません", "배송이 늦어요", "Посылка", "الطرد",
        "<p>退款</p>", "订单号 123456789012 没发货", "\ud800broken", "１２３", "x" * 300,
    ]),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)
_SPEAKERS = st.one_of(st.sampled_from(["customer", "agent", "客户", "客服", "robot", "", "NaN", " User "]), st.none())
_ROW = st.fixed_dictionaries({
    "conversation_id": st.one_of(st.sampled_from(["a", "b", "c", "", "1"]), st.none(), st.integers(0, 3)),
    "turn": st.one_of(st.integers(-2, 4), st.none(), st.sampled_from(["x", "1.5", "inf"])),
    "speaker": _SPEAKERS,
    "text": _TEXTS,
    "timestamp": st.one_of(st.none(), st.integers(-(10**13), 10**19), st.sampled_from(["2026-10-01", "junk", "0"])),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=1, max_size=12), drop=st.sets(st.sampled_from(["speaker", "turn", "timestamp",
                                                                                  "conversation_id"])))
def test_property_rows_in_equal_accepted_plus_rejected(rows: list[dict[str, Any]], drop: set[str]) -> None:
    df = pd.DataFrame(rows, dtype=object).drop(columns=sorted(drop))
    res = ingest(df)
    assert res.n_rows == len(df) == len(res.turns) + len(res.rejects)
    assert sorted([*res.turns["row"], *res.rejects["row"]]) == list(range(len(df)))
    assert set(res.rejects["reason"]) <= set(REJECT_REASONS)
    assert res.turns["speaker"].isin(["customer", "agent"]).all()
    assert res.turns["lang"].isin(["zh", "en", "mixed"]).all()
    assert (res.turns["text"].str.strip() != "").all()
    for text in [*res.turns["text"], *res.rejects["detail"], *res.rejects["conversation_id"]]:
        text.encode("utf-8")  # no lone surrogates survive: every output can be written
        assert "13812345678" not in text and "zhang.san@example.com" not in text
    # each accepted conversation has a customer turn
    cust = set(res.turns.loc[res.turns["speaker"] == "customer", "conversation_id"])
    assert set(res.turns["conversation_id"]) <= cust


_STREAMABLE = sorted(p.name for p in HERE.iterdir() if p.suffix in (".csv", ".tsv", ".jsonl", ".json", ".txt"))


@pytest.mark.parametrize("name", _STREAMABLE)
def test_streamed_chunks_parse_like_the_whole_file(name: str) -> None:
    """`voc-miner tag` reads files in chunks (read_chunks); every bad input must come out of it as `fit`'s
    whole-file reader has it: same records, same malformed rows, lines and undecodable bytes. The streaming
    reader used to be pandas' read_csv: it crashed on GBK, a `sep=;` line, a semicolon export, too many fields
    or an unterminated quote, and counted blank lines as rows."""
    from voc_miner.io import read_chunks

    path = HERE / name
    try:
        whole = ingest(path)
    except InputDataError:
        with pytest.raises(InputDataError):
            ingest(pd.concat(list(read_chunks(path, chunk_rows=3)), ignore_index=True))
        return
    chunks = list(read_chunks(path, chunk_rows=3))
    assert all(len(c) <= 3 for c in chunks)
    streamed = ingest(pd.concat(chunks, ignore_index=True))
    cols = ["row", "conversation_id", "turn", "speaker", "text", "timestamp", "lang"]
    pd.testing.assert_frame_equal(streamed.turns[cols], whole.turns[cols])
    rcols = ["row", "conversation_id", "reason", "detail", "line"]
    pd.testing.assert_frame_equal(streamed.rejects[rcols], whole.rejects[rcols])


_CELL = st.text(alphabet=st.sampled_from([*'ab 退款,;"\n\r\t', "\u2028", "é"]), max_size=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=8),
       quote_all=st.booleans(), chunk_rows=st.integers(min_value=1, max_value=4))
def test_property_streamed_csv_equals_whole_file(lines: list[list[str]], quote_all: bool, chunk_rows: int,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any CSV text, well-formed or not (stray quotes, separators, line breaks in cells), comes out of the
    streaming reader with the records, lines and parse errors of the whole-file reader."""
    from voc_miner.io import LINE_COLUMN, MALFORMED_COLUMN, read_chunks
    from voc_miner.io import _load as load_whole

    def cell(c: str) -> str:  # raw cells make broken CSV (stray quotes, separators, line breaks) on purpose
        return '"' + c.replace('"', '""') + '"' if quote_all else c

    text = "text,channel\n" + "".join(",".join(cell(c) for c in cells) + "\n" for cells in lines)
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_bytes(text.encode("utf-8"))
    whole = load_whole(path, None)
    try:
        chunks = list(read_chunks(path, chunk_rows=chunk_rows))
    except InputDataError:
        assert len(whole.frame) == 0
        return
    streamed = pd.concat(chunks, ignore_index=True)
    body = streamed.drop(columns=[LINE_COLUMN, MALFORMED_COLUMN])
    assert list(body.columns) == list(whole.frame.columns)
    assert body.astype(object).where(body.notna(), None).values.tolist() == \
        whole.frame.astype(object).where(whole.frame.notna(), None).values.tolist()
    assert streamed[LINE_COLUMN].tolist() == whole.lines
    assert [e or "" for e in streamed[MALFORMED_COLUMN]] == [whole.errors.get(i, ("", ""))[1] for i in range(len(body))]
