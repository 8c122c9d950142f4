"""Excel workbooks (``.xlsx`` / ``.xlsm``) as rows of text cells, for :mod:`voc_miner.io`.

Help desks (Zendesk, Freshdesk, 七鱼, 智齿 ...) export tickets as workbooks as often as CSV. The first sheet is
read with openpyxl in read-only mode, so rows are streamed from the file and ``voc-miner tag`` reads a large
workbook chunk by chunk; only the workbook's shared-strings table (in a file saved by Excel, every distinct
cell text) is held in memory while the sheet is read. openpyxl parses the XML with defusedxml (a dependency)
so a hostile file cannot expand entities. Cells are turned into the text a CSV export of the same sheet
would hold (:func:`cell_text`): whole numbers without ``.0`` (ticket ids, phone numbers), dates and times in
ISO form without an offset (read in ``ingest.timezone``, like naive CSV timestamps), formulas as their last
computed value.

openpyxl rather than ``pandas.read_excel``: pandas loads the whole sheet and converts cells by column type
(a column of ids with one blank becomes floats, ``12345.0``); the row iterator keeps each cell's own value
and its row number, which rejects report as ``line``.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from voc_miner.errors import InputDataError

logger = logging.getLogger("voc_miner")

#: Suffixes read as Excel workbooks. Old binary ``.xls`` and OpenDocument ``.ods`` are not: save as ``.xlsx``.
WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm")


def cell_text(value: Any) -> str | None:
    """A workbook cell as the text a CSV export would hold; ``None`` for an empty cell.

    Example:
        >>> import datetime
        >>> [cell_text(v) for v in (None, "", 13812345678, 2.50, True, datetime.datetime(2026, 10, 1, 9, 30))]
        [None, None, '13812345678', '2.5', 'TRUE', '2026-10-01 09:30:00']
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.15g}"  # Excel keeps 15 significant digits; 0.1 + 0.2 shows as 0.3
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


def _unreadable(path: Path, exc: BaseException) -> InputDataError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputDataError(
        f"Input {str(path)!r} cannot be read as an Excel workbook ({msg}); save it again as .xlsx without a "
        "password (an old .xls or an encrypted workbook is not readable), or export the sheet as CSV (UTF-8)."
    )


#: What openpyxl raises on a damaged, truncated or mislabelled file (zip, XML and schema errors).
_READ_ERRORS: Final = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError, EOFError)


def choose_sheet(path: Path, names: list[str], sheet: str | int | None) -> int:
    """Index in ``names`` (the workbook's worksheets, in order) of the sheet ``ingest.sheet`` asks for.

    ``None`` is the first sheet. A name matches exactly, else ignoring case and surrounding spaces; a whole
    number that is not a sheet's name is a position counted from 1, as Excel's tabs are.

    Example:
        >>> choose_sheet(Path("t.xlsx"), ["Summary", "Tickets", "2024"], "tickets")
        1
        >>> choose_sheet(Path("t.xlsx"), ["Summary", "Tickets", "2024"], 2024)
        2
        >>> choose_sheet(Path("t.xlsx"), ["A", "B"], 2)
        1

    Raises:
        InputDataError: no such sheet; the message lists the workbook's sheets.
    """
    if sheet is None:
        return 0
    wanted = str(sheet)
    if wanted in names:
        return names.index(wanted)
    folded = [n.strip().casefold() for n in names]
    if wanted.strip().casefold() in folded:
        return folded.index(wanted.strip().casefold())
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return int(wanted) - 1
    listed = ", ".join(repr(n) for n in names) or "none"
    raise InputDataError(
        f"Input {str(path)!r} has no sheet {wanted!r}; its sheets are {listed}. Set `ingest.sheet` to one of "
        f"these names or to a position from 1 to {len(names)} (on the command line: --sheet NAME)."
    )


def sheet_rows(path: Path, sheet: str | int | None = None) -> Iterator[tuple[int, list[str | None]]]:
    """``(row number, cells)`` of every row with a cell value of one sheet, header row included.

    ``sheet`` picks the sheet (:func:`choose_sheet`; default the first). Row numbers are the sheet's (1-based,
    as Excel shows them); cells are :func:`cell_text` values with trailing empty cells dropped. When a
    workbook has more than one sheet and none was asked for, a warning names the one read and the others.

    Raises:
        InputDataError: the file is not a readable workbook (damaged, encrypted, an .xls renamed), or it has
            no sheet ``sheet``.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    errors = (*_READ_ERRORS, InvalidFileException)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except errors as exc:
        raise _unreadable(path, exc) from exc
    try:
        sheets = book.worksheets
        index = choose_sheet(path, [s.title for s in sheets], sheet)  # raises for a sheet the workbook lacks
        if not sheets:
            return
        chosen = sheets[index]
        if len(sheets) > 1 and sheet is None:
            logger.warning(
                "ingest: %s has %d sheets; the first (%r) is read, not %s. Pick another with `ingest.sheet` "
                "(--sheet NAME), or save each sheet as its own file.",
                path,
                len(sheets),
                chosen.title,
                ", ".join(repr(s.title) for s in sheets[1:]),
            )
        # Size rows by their own cells, not by the stored <dimension> (some writers store A1:XFD1048576).
        chosen.reset_dimensions()
        rows = chosen.iter_rows(values_only=True)
        row_no = 0
        while True:
            try:
                values = next(rows, None)
            except errors as exc:
                raise _unreadable(path, exc) from exc
            if values is None:
                return
            row_no += 1  # openpyxl yields every row from 1, an empty tuple for a missing one
            cells = [cell_text(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:  # a row of empty cells is a blank line; one with spaces is a row (an empty_text reject)
                yield row_no, cells
    finally:
        book.close()


#: The ``<dimension ref="A1:F1200"/>`` element near the start of a sheet's XML.
_DIMENSION_RE: Final = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


def row_estimate(path: Path, sheet: str | int | None = None) -> int:
    """Data rows of the sheet (:func:`choose_sheet`) as its stored dimension says (a progress-bar total; 0 when
    unknown).

    Reads the workbook's manifest and the head of the sheet's XML only: opening the workbook with
    ``load_workbook`` would first parse its shared-strings table, which in a workbook saved by Excel holds
    every ticket text, so the reader that follows would parse it twice."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        reader = ExcelReader(path, read_only=True)
        try:
            reader.read_manifest()
            reader.read_workbook()
            found = [
                (ws.name, rel.target)
                for ws, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
            target = found[choose_sheet(path, [name for name, _ in found], sheet)][1]
            with reader.archive.open(target) as fh:
                head = fh.read(1 << 16)
        finally:
            reader.archive.close()
    except (*_READ_ERRORS, InvalidFileException, InputDataError, IndexError):
        return 0  # the reader itself reports the problem
    m = _DIMENSION_RE.search(head)
    return max(int(m.group(1)) - 1, 0) if m and m.group(1) else 0
