"""The CLI as a user runs it: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from .conftest import DEMO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voc_miner.cli", *args], capture_output=True, text=True, timeout=600, check=False
    )


def _one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    for f in fragments:
        assert f in errors[0]


def test_help_on_every_command() -> None:
    for cmd in ("fit", "tag", "report", "demo"):
        proc = run(cmd, "--help")
        assert proc.returncode == 0 and "Usage" in proc.stdout


def test_missing_file(tmp_path: Path) -> None:
    _one_line_error(run("fit", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"), "-q"), "does not exist")


def test_wrong_text_column(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    pd.DataFrame({"body": ["退款没到账"]}).to_csv(p, index=False)
    _one_line_error(run("fit", str(p), "--out", str(tmp_path / "o"), "-q"), "'text' not found", "--text-col")


def test_non_utf8_bytes_with_explicit_utf8(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("text\n包裹被压坏了\n".encode("gbk"))
    proc = run("fit", str(p), "--out", str(tmp_path / "o"), "--encoding", "utf-8", "-q")
    _one_line_error(proc, "undecodable_bytes")
    assert "--encoding" in proc.stderr


def test_only_empty_text(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("text\n\n   \n", encoding="utf-8")
    _one_line_error(run("fit", str(p), "--out", str(tmp_path / "o"), "-q"), "No conversation with a usable")


def test_bad_taxonomy(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("text\n退款没到账\n", encoding="utf-8")
    tax = tmp_path / "tax.yaml"
    tax.write_text("name: x\ndepartments:\n  - id: a\n", encoding="utf-8")
    _one_line_error(run("fit", str(p), "--out", str(tmp_path / "o"), "--taxonomy", str(tax), "-q"),
                    "departments['a'].name")


def test_bad_model_dir(tmp_path: Path) -> None:
    _one_line_error(run("tag", str(tmp_path / "none"), str(DEMO), "--out", str(tmp_path / "t.parquet")),
                    "does not exist")


@pytest.fixture(scope="module")
def fitted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    keep = sorted(turns["conversation_id"].unique())[:300]
    sub = turns[turns["conversation_id"].isin(keep)].rename(columns={"text": "message", "speaker": "role"})
    d = tmp_path_factory.mktemp("cli")
    sub.to_csv(d / "chats.csv", index=False)
    out = d / "run"
    proc = run("fit", str(d / "chats.csv"), "--out", str(out), "--text-col", "message", "--speaker-col", "role", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "prefix dict" not in proc.stderr  # -q: no jieba dictionary chatter either
    assert "rows read" in proc.stdout
    assert re.search(r"\d+ topics in \d+ root causes", proc.stdout), proc.stdout
    return out


def test_fit_writes_every_output(fitted_run: Path) -> None:
    for name in ("root_causes.json", "report.md", "report.html", "tags.parquet", "turns.parquet", "rejects.csv",
                 "model/meta.json", "model/centroids.npy", "model/topics.json", "model/config.toml",
                 "model/language_means.npy", "model/departments.yaml", "model/causes.json"):
        assert (fitted_run / name).is_file(), name
    tags = pd.read_parquet(fitted_run / "tags.parquet")
    for col in ("conversation_id", "topic_id", "topic_label", "department", "sentiment", "emotion",
                "escalation", "escalation_score"):
        assert col in tags.columns
    assert not list((fitted_run / "model").glob("*.pkl"))


def test_tag_cli_matches_fit(fitted_run: Path, tmp_path: Path) -> None:
    src = fitted_run.parent / "chats.csv"
    out = tmp_path / "tags.parquet"
    proc = run("tag", str(fitted_run / "model"), str(src), "--out", str(out), "--text-col", "message",
               "--speaker-col", "role", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "embedding" not in proc.stderr  # -q: no progress bar (the loaded model's embedder drew one)
    got = pd.read_parquet(out).set_index("conversation_id")["topic_id"]
    want = pd.read_parquet(fitted_run / "tags.parquet").set_index("conversation_id")["topic_id"]
    assert got.sort_index().equals(want.sort_index())


def test_report_on_new_tickets_with_their_own_columns(fitted_run: Path) -> None:
    src = fitted_run.parent / "chats.csv"
    before = {p.name: p.read_bytes() for p in fitted_run.iterdir() if p.is_file()}
    proc = run("report", str(fitted_run), "--input", str(src), "--text-col", "message", "--speaker-col", "role")
    assert proc.returncode == 0, proc.stderr
    # without --out, new tickets get their own folder: the fit's reports and rejects.csv were replaced
    assert {p.name: p.read_bytes() for p in fitted_run.iterdir() if p.is_file()} == before
    tmp_path = fitted_run / "input-chats"
    rows = json.loads((tmp_path / "root_causes.json").read_text(encoding="utf-8"))["corpus"]["rows"]
    assert rows["read"] == len(pd.read_csv(src))  # the rows of --input, not those of the fit
    rejects = pd.read_csv(tmp_path / "rejects.csv")  # the rows of --input not used, as fit writes them
    assert len(rejects) == rows["rejected"] and f"{rows['rejected']} row(s) rejected" in proc.stdout


def test_report_mistakes_are_one_line_errors(fitted_run: Path, tmp_path: Path) -> None:
    bad = tmp_path / "allbad.csv"
    bad.write_text("text\n12345\n:)\n", encoding="utf-8")
    _one_line_error(run("report", str(fitted_run), "--input", str(bad), "--out", str(tmp_path / "r")),
                    "No usable customer conversation", "2 rejected")
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    _one_line_error(run("report", str(fitted_run), "--out", str(tmp_path / "a_file")), "is a file")
    _one_line_error(run("report", str(fitted_run), "--month", "9999-12"), "must be YYYY-MM")
    _one_line_error(run("report", str(fitted_run / "model")), "is a model folder", str(fitted_run))
    _one_line_error(run("report", str(fitted_run), "--out", "/proc/no/such"), "cannot read or write")
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("model", "turns.parquet"):
        (broken / name).symlink_to(fitted_run / name)
    (broken / "tags.parquet").write_bytes(b"PAR1 not really")
    _one_line_error(run("report", str(broken)), "cannot be read as Parquet", "fit")


def test_out_paths_of_the_wrong_kind_fail_before_the_work(fitted_run: Path, tmp_path: Path) -> None:
    src = fitted_run.parent / "chats.csv"
    (tmp_path / "a_dir").mkdir()
    _one_line_error(run("tag", str(fitted_run / "model"), str(src), "--out", str(tmp_path / "a_dir")),
                    "is a directory", "tags.parquet")
    assert not (tmp_path / "a_dir.parts").exists()
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    _one_line_error(run("fit", str(src), "--out", str(tmp_path / "a_file"), "-q"), "is a file")


def test_report_rerenders_in_chinese(fitted_run: Path, tmp_path: Path) -> None:
    proc = run("report", str(fitted_run), "--out", str(tmp_path), "--lang", "zh", "--month", "2026-09",
               "--timezone", "Asia/Shanghai")
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "客户之声" in md and "建议措施" in md
    assert "按星期 × 开始小时的会话量（Asia/Shanghai）" in md  # the team's clock, named
    doc = json.loads((tmp_path / "root_causes.json").read_text(encoding="utf-8"))
    assert doc["timezone"] == "Asia/Shanghai" and doc["corpus"]["start"].endswith("+08:00")
    # the rows read are those of the fit run's input (saved with the model), not a count of customer turns
    fit_doc = json.loads((fitted_run / "root_causes.json").read_text(encoding="utf-8"))
    assert doc["corpus"]["rows"] == fit_doc["corpus"]["rows"]
    assert doc["corpus"]["rows"]["read"] > doc["corpus"]["customer_turns"]
    # a month must be YYYY-MM: "2026-09-15" used to be read as 15 September 01:00 (the "-01" taken for an offset)
    for bad in ("2026-09-15", "2026", "Sep 2026"):
        _one_line_error(run("report", str(fitted_run), "--out", str(tmp_path / "bad"), "--month", bad), "YYYY-MM")


def test_set_with_a_value_of_the_wrong_type(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("text\n退款没到账\n", encoding="utf-8")
    _one_line_error(run("fit", str(p), "--out", str(tmp_path / "o"), "--set", "cluster.min_cluster_size=five", "-q"),
                    "cluster.min_cluster_size", "whole number")


def test_unknown_time_zone(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("text\n退款没到账\n", encoding="utf-8")
    _one_line_error(run("fit", str(p), "--out", str(tmp_path / "o"), "--timezone", "Beijing", "-q"),
                    "ingest.timezone", "Asia/Shanghai")


def test_tag_a_ticket_workbook_with_subject_and_description(fitted_run: Path, tmp_path: Path) -> None:
    """The nightly job on a help-desk export as it comes: .xlsx with the tickets on its second sheet, renamed
    columns, the problem split over Subject and Description (a ticket with only a subject is tagged, not
    rejected as empty)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Summary"  # the tickets are on the second sheet, picked with --sheet
    book.active.append(["3 tickets exported"])
    sheet = book.create_sheet("工单")
    for row in (
        ["Ticket ID", "Subject", "Description", "Created"],
        [5001, "Parcel arrived crushed", "The box was open and the cup inside broke.", "2026-10-03 09:30"],
        [5002, "尺码偏小", None, "2026-10-03 10:00"],
        [5003, None, None, "2026-10-03 11:00"],
    ):
        sheet.append(row)
    book.save(tmp_path / "tickets.xlsx")
    out = tmp_path / "t.parquet"
    proc = run("tag", str(fitted_run / "model"), str(tmp_path / "tickets.xlsx"), "--out", str(out), "--sheet", "工单",
               "--conversation-col", "Ticket ID", "--text-col", "Description", "--subject-col", "Subject",
               "--time-col", "Created", "--timezone", "Asia/Shanghai", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "rows read 3, conversations tagged 2, rows rejected 1" in proc.stdout
    tags = pd.read_parquet(out).set_index("conversation_id")
    assert sorted(tags.index) == ["5001", "5002"]
    assert str(tags.loc["5001", "started_at"]) == "2026-10-03 01:30:00+00:00"
    rejects = pd.read_csv(tmp_path / "t.rejects.csv")
    assert rejects[["conversation_id", "reason", "line"]].values.tolist() == [[5003, "empty_text", 4]]


def test_tag_option_and_column_mistakes_are_one_line_errors(fitted_run: Path, tmp_path: Path) -> None:
    model = str(fitted_run / "model")
    w = tmp_path / "w.csv"
    w.write_text("ticket,msg\n1,late\n", encoding="utf-8")
    proc = run("tag", model, str(w), "--out", str(tmp_path / "o.parquet"), "-q")
    _one_line_error(proc, "'text' not found", "available columns: ['ticket', 'msg']. ")  # no made-up id column
    _one_line_error(run("tag", model, str(w), "--out", str(tmp_path / "o.parquet"), "--text-col", "msg",
                        "--conversation-col", "Ticket", "-q"), "Conversation id column 'Ticket' not found")
    for bad in ("0", "-3"):
        _one_line_error(run("tag", model, str(w), "--out", str(tmp_path / "o.parquet"), "--threads", bad),
                        "--threads must be a whole number >= 1", f"got {bad}")
    assert not list(tmp_path.glob("o.*"))
    help_text = " ".join(run("tag", "--help").stdout.split())
    assert "143 terminated" in help_text and "130 interrupted" in help_text


def test_tag_refuses_a_damaged_model_in_one_line(fitted_run: Path, tmp_path: Path) -> None:
    import shutil

    src = fitted_run.parent / "chats.csv"
    for name, damage in (("centroids.npy", (fitted_run / "model" / "centroids.npy").read_bytes()[:60]),
                         ("topics.json", b"{")):
        bad = tmp_path / name.replace(".", "_")
        shutil.copytree(fitted_run / "model", bad)
        (bad / name).write_bytes(damage)
        _one_line_error(run("tag", str(bad), str(src), "--out", str(tmp_path / "t.parquet"), "-q"),
                        f"Model file {str(bad / name)!r} is damaged or incomplete", "refit the model, or copy")


def test_quiet_night_with_allow_empty_exits_0(fitted_run: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    src = tmp_path / "night.csv"
    src.write_text("conversation_id,speaker,message\n", encoding="utf-8")  # the export of a night without tickets
    out = tmp_path / "t.parquet"
    _one_line_error(run("tag", str(fitted_run / "model"), str(src), "--out", str(out), "-q"), "has no rows")
    proc = run("tag", str(fitted_run / "model"), str(src), "--out", str(out), "--allow-empty", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "rows read 0, conversations tagged 0" in proc.stdout
    fit_schema = pq.read_schema(fitted_run / "tags.parquet").remove_metadata()
    assert pq.read_schema(out).remove_metadata().equals(fit_schema) and pd.read_parquet(out).empty


def test_a_second_tag_job_on_the_same_out_exits_2_at_once(fitted_run: Path, tmp_path: Path) -> None:
    src = fitted_run.parent / "chats.csv"
    out = tmp_path / "t.parquet"
    hold = ("import sys, time\nfrom voc_miner.batch import output_lock\nwith output_lock(sys.argv[1]):\n"
            "    print('locked', flush=True)\n    time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        proc = run("tag", str(fitted_run / "model"), str(src), "--out", str(out), "--text-col", "message",
                   "--speaker-col", "role", "-q")
        _one_line_error(proc, f"{str(out)!r} is being written by another job (pid {holder.pid}", "another --out")
    finally:
        holder.kill()
        holder.wait()
    assert not out.exists()


_SPY_THREADS = """
import json, sys
import pyarrow as pa
from threadpoolctl import threadpool_info
from voc_miner import cli
from voc_miner.pipeline import VocMiner

seen = []
record = sys.argv.pop()
tag = VocMiner.tag

def spy(self, data):
    seen.append({"pools": max(i["num_threads"] for i in threadpool_info()), "arrow": pa.cpu_count(),
                 "embed": self.config_.embed.threads})
    return tag(self, data)

VocMiner.tag = spy
try:
    cli.main()
finally:
    json.dump(seen, open(record, "w"))
"""


def test_tag_threads_caps_every_thread_pool(fitted_run: Path, tmp_path: Path) -> None:
    """--threads 1 used about 1.75 cores: BLAS outside the embedder and OpenMP pools used every core."""
    src = fitted_run.parent / "chats.csv"
    record = tmp_path / "seen.json"
    proc = subprocess.run(
        [sys.executable, "-c", _SPY_THREADS, "tag", str(fitted_run / "model"), str(src), "--out",
         str(tmp_path / "t.parquet"), "--text-col", "message", "--speaker-col", "role", "--threads", "1", "-q",
         str(record)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen and all(s == {"pools": 1, "arrow": 1, "embed": 1} for s in seen), seen


def test_tag_reads_a_pipe(fitted_run: Path, tmp_path: Path) -> None:
    """`cat export.csv | voc-miner tag MODEL - ...` (or /dev/stdin) was "does not exist"; it is read, the format
    sniffed from the bytes or given with --format, and gives the same tags as the file."""
    import gzip

    src = fitted_run.parent / "chats.csv"
    args = ["--text-col", "message", "--speaker-col", "role", "-q"]
    want = pd.read_parquet(fitted_run / "tags.parquet").set_index("conversation_id")["topic_id"].sort_index()
    cases = [("-", src.read_bytes(), ["--format", "csv"]), ("/dev/stdin", gzip.compress(src.read_bytes()), [])]
    for i, (name, data, extra) in enumerate(cases):
        out = tmp_path / f"t{i}.parquet"
        proc = subprocess.run([sys.executable, "-m", "voc_miner.cli", "tag", str(fitted_run / "model"), name,
                               "--out", str(out), *args, *extra], input=data, capture_output=True, timeout=600,
                              check=False)
        assert proc.returncode == 0, proc.stderr.decode()
        got = pd.read_parquet(out).set_index("conversation_id")["topic_id"].sort_index()
        assert got.equals(want)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(f"t{i}.")) == [
            f"t{i}.parquet", f"t{i}.rejects.csv"]  # the copy of the pipe is gone
    bad = subprocess.run([sys.executable, "-m", "voc_miner.cli", "tag", str(fitted_run / "model"), "-", "--out",
                          str(tmp_path / "x.parquet"), "--format", "xml"], input=b"a,b\n", capture_output=True,
                         text=False, timeout=600, check=False)
    assert bad.returncode == 2 and b"--format 'xml' is not one of csv" in bad.stderr
