"""Excel (.xlsx) exports read like the same sheet saved as CSV, whole or streamed, and hostile files refused."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from voc_miner.batch import stream_tag
from voc_miner.config import IngestConfig
from voc_miner.errors import ConfigError, InputDataError
from voc_miner.io import LINE_COLUMN, ingest, read_chunks
from voc_miner.workbook import cell_text, row_estimate

from .test_cli import _one_line_error, run

HEADER = ["conversation_id", "turn", "speaker", "text", "timestamp", "channel"]
#: Typed cells as a help desk writes them: numeric ids, Excel date cells, a phone number stored as a number.
ROWS: list[list[object]] = [
    [1001, 0, "customer", "包裹被压坏了，杯子碎了，电话 13812345678", dt.datetime(2026, 11, 1, 7, 30), "chat"],
    [1001, 1, "agent", "非常抱歉，请拍照给我们", dt.datetime(2026, 11, 1, 7, 31), "chat"],
    [1001, 2, "customer", "照片发了，什么时候退款？", dt.datetime(2026, 11, 1, 7, 40), "chat"],
    [1002.0, 0, "customer", "The parcel arrived crushed, I want a refund", dt.datetime(2026, 10, 31, 20, 0), "email"],
    [1003, 0, "customer", "   ", None, "chat"],
    [1004, 0, "supplier", "您好，请问有什么可以帮您", None, "chat"],
    [1005, 0, "customer", "尺码偏小，想换大一号", dt.datetime(2026, 11, 2, 12, 0), "app"],
]
#: The same rows as a CSV export of the sheet shows them.
CSV_ROWS: list[list[object]] = [
    ["1001", 0, "customer", ROWS[0][3], "2026-11-01 07:30:00", "chat"],
    ["1001", 1, "agent", ROWS[1][3], "2026-11-01 07:31:00", "chat"],
    ["1001", 2, "customer", ROWS[2][3], "2026-11-01 07:40:00", "chat"],
    ["1002", 0, "customer", ROWS[3][3], "2026-10-31 20:00:00", "email"],
    ["1003", 0, "customer", "   ", "", "chat"],
    ["1004", 0, "supplier", ROWS[5][3], "", "chat"],
    ["1005", 0, "customer", ROWS[6][3], "2026-11-02 12:00:00", "app"],
]


def _workbook(path: Path, rows: list[list[object]], *, blank_after: int | None = None, sheets: int = 1) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    sheet.append(HEADER)
    for i, row in enumerate(rows):
        sheet.append(row)
        if i == blank_after:
            sheet.append([])  # an empty row: not a record, later rows keep their sheet row numbers
    for k in range(1, sheets):
        book.create_sheet(f"Sheet{k + 1}").append(["note"])
    book.save(path)
    return path


def test_cells_read_as_a_csv_export_shows_them() -> None:
    assert [cell_text(v) for v in (1004.0, 0.1 + 0.2, 1e20, False, dt.date(2026, 10, 1), dt.time(9, 5))] == [
        "1004", "0.3", "1e+20", "FALSE", "2026-10-01", "09:05:00"]


def test_xlsx_ingests_like_the_same_sheet_as_csv(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path / "export.xlsx", ROWS, blank_after=2)
    csv = tmp_path / "export.csv"
    pd.DataFrame(CSV_ROWS, columns=HEADER).to_csv(csv, index=False)
    cfg = IngestConfig(timezone="Asia/Shanghai")
    got, want = ingest(xlsx, config=cfg), ingest(csv, config=cfg)
    assert got.turns.drop(columns="row").equals(want.turns.drop(columns="row"))
    # ids are "1001" / "1002" (not 1002.0), the phone number stored as a number is masked, and the Excel
    # date cell 07:30 on 1 November is read on the team's clock: 23:30 UTC on 31 October
    first = got.turns.iloc[0]
    assert set(got.turns["conversation_id"]) == {"1001", "1002", "1005"} and "<PHONE>" in first["text"]
    assert first["timestamp"] == pd.Timestamp("2026-10-31 23:30", tz="UTC")
    # rejects carry the sheet's row numbers (header = row 1, an empty row after row 4 shifts the rest)
    rej = got.rejects.set_index("conversation_id")
    assert rej.loc["1003", "reason"] == "empty_text" and rej.loc["1003", "line"] == 7
    assert rej.loc["1004", "reason"] == "unknown_speaker" and rej.loc["1004", "line"] == 8
    assert set(rej["source"]) == {str(xlsx)}
    assert len(got.turns) + len(got.rejects) == len(ROWS)  # nothing lost


def test_streamed_chunks_equal_the_whole_sheet(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path / "big.xlsx", ROWS * 5, blank_after=10)
    whole = ingest(xlsx)
    chunks = list(read_chunks(xlsx, chunk_rows=4))
    assert [len(c) for c in chunks] == [4] * 8 + [3]
    assert row_estimate(xlsx) == 36  # the progress total: the sheet's stored dimension (the blank row counted)
    streamed = pd.concat(chunks, ignore_index=True)
    assert streamed[LINE_COLUMN].tolist() == [*range(2, 13), *range(14, 38)]
    again = ingest(streamed)
    assert again.turns["text"].tolist() == whole.turns["text"].tolist()
    assert again.rejects["line"].tolist() == whole.rejects["line"].tolist()


def test_stream_tag_reads_a_workbook(tmp_path: Path) -> None:
    # three exports' worth of distinct conversations (ids 1001.., 2001.., 3001..), 21 rows
    rows = [[int(r[0]) + 1000 * k, *r[1:]] for k in range(3) for r in ROWS]  # type: ignore[call-overload]
    xlsx = _workbook(tmp_path / "nightly.xlsx", rows)

    def tag_fn(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        res = ingest(df)
        tags = res.turns.groupby("conversation_id", sort=False).size().rename("n").reset_index()
        return tags, res.rejects[["row", "conversation_id", "reason", "detail"]]

    stats = stream_tag(tag_fn, xlsx, tmp_path / "t.parquet", model_dir=tmp_path / "m", chunk_rows=5, progress=False)
    assert stats.rows == 21
    rejects = pd.read_csv(tmp_path / "t.rejects.csv")
    assert sorted(rejects["reason"]) == ["empty_text"] * 3 + ["unknown_speaker"] * 3


def test_values_beyond_the_header_and_other_sheets_are_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = [list(r) for r in ROWS]
    rows[3] = [*rows[3], None, "VIP customer"]  # a note typed two columns right of the last header
    xlsx = _workbook(tmp_path / "notes.xlsx", rows, sheets=3)
    with caplog.at_level(logging.WARNING, logger="voc_miner"):
        res = ingest(xlsx)
    assert "1002" in set(res.turns["conversation_id"])  # the row is kept
    text = caplog.text
    assert "1 row(s) have values right of the header's last column F (first in row 5)" in text
    assert "has 3 sheets; the first ('工单') is read, not 'Sheet2', 'Sheet3'. Pick another with `ingest.sheet`" in text


def _two_sheet_book(path: Path) -> Path:
    """A help-desk export whose first sheet is a summary and whose tickets are on the second."""
    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["exported", "2026-11-03"])
    tickets = book.create_sheet(" Tickets ")
    tickets.append(HEADER)
    for row in ROWS:
        tickets.append(row)
    book.save(path)
    return path


def test_the_sheet_is_chosen_by_name_or_position(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    xlsx = _two_sheet_book(tmp_path / "export.xlsx")
    want = ingest(_workbook(tmp_path / "one.xlsx", ROWS))
    for sheet in (" Tickets ", "tickets", 2, "2"):  # exact name, name ignoring case and spaces, position from 1
        with caplog.at_level(logging.WARNING, logger="voc_miner"):
            got = ingest(xlsx, config=IngestConfig(sheet=sheet))
        assert got.turns["text"].tolist() == want.turns["text"].tolist()
        assert got.rejects["line"].tolist() == want.rejects["line"].tolist()  # rows of the chosen sheet
        assert "sheets;" not in caplog.text  # asked for: no warning about the other sheet
        streamed = pd.concat(read_chunks(xlsx, chunk_rows=3, sheet=sheet), ignore_index=True)
        assert ingest(streamed).turns["text"].tolist() == want.turns["text"].tolist()
        assert row_estimate(xlsx, sheet) == len(ROWS)
    assert row_estimate(xlsx) == 0  # the summary sheet: its one row is the header


def test_an_unknown_sheet_is_an_error_listing_the_sheets(tmp_path: Path) -> None:
    xlsx = _two_sheet_book(tmp_path / "export.xlsx")
    for sheet in ("Tickets 2026", 3):
        with pytest.raises(InputDataError, match=r"has no sheet .*its sheets are 'Summary', ' Tickets '.*from 1 to 2"):
            ingest(xlsx, config=IngestConfig(sheet=sheet))
        with pytest.raises(InputDataError, match="has no sheet"):
            list(read_chunks(xlsx, sheet=sheet))
    for bad in (0, -1, "", "  ", True, 1.5):
        with pytest.raises(ConfigError, match=r"`ingest\.sheet` must be a sheet name or a position"):
            IngestConfig(sheet=bad)  # type: ignore[arg-type]
    _one_line_error(run("fit", str(xlsx), "--sheet", "Nope", "--out", str(tmp_path / "run"), "-q"),
                    "has no sheet 'Nope'", "'Summary', ' Tickets '")


def test_damaged_and_hostile_workbooks_are_one_line_errors(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", ROWS)
    data = good.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputDataError, match=r"cannot be read as an Excel workbook .*save it again as \.xlsx"):
        ingest(tmp_path / "cut.xlsx")
    assert row_estimate(tmp_path / "cut.xlsx") == 0  # no progress total; the reader reports the problem
    # a sheet whose XML declares nested entities (a "billion laughs" bomb) is refused, not expanded
    bomb = tmp_path / "bomb.xlsx"
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&l8;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, sheet if item.filename == "xl/worksheets/sheet1.xml" else src.read(item))
    with pytest.raises(InputDataError, match="cannot be read as an Excel workbook"):
        ingest(bomb)
    _one_line_error(run("fit", str(tmp_path / "cut.xlsx"), "--out", str(tmp_path / "run"), "-q"), "Excel workbook")


def test_a_title_line_above_the_header_is_passed_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["工单导出 2026-10-01 至 2026-10-31"])  # the export's title in A1
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "titled.xlsx")
    with caplog.at_level(logging.WARNING, logger="voc_miner"):
        res = ingest(tmp_path / "titled.xlsx")
    assert "row 1 ('工单导出 2026-10-01 至 2026-10-31') looks like a title above the header" in caplog.text
    assert len(res.turns) + len(res.rejects) == len(ROWS)
    assert res.rejects.set_index("conversation_id").loc["1003", "line"] == 8  # sheet rows, title included
    # a one-column sheet keeps its header: "text" followed by single values is not a title
    single = Workbook()
    for row in (["text"], ["包裹压坏了"], ["退款还没到"]):
        single.active.append(row)
    single.save(tmp_path / "single.xlsx")
    assert ingest(tmp_path / "single.xlsx").turns["text"].tolist() == ["包裹压坏了", "退款还没到"]
