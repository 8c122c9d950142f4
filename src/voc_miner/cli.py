"""Command line: a thin layer over the Python API.

Exit codes: 0 success; 2 bad input, options, data or model (one-line ``error:`` message,
no traceback); 1 unexpected internal error (with traceback, please report it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from voc_miner.config import ColumnsConfig, Config, load_config
from voc_miner.errors import VocMinerError

app = typer.Typer(
    name="voc-miner",
    help="Voice-of-the-customer mining: bilingual support chats in, ranked root causes with owners and fixes out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: The synthetic demo shop works on Beijing time (its timestamps carry +08:00).
DEMO_TIMEZONE = "Asia/Shanghai"


Lang = Annotated[str, typer.Option("--lang", help="Report language: en or zh.")]


class _Terminated(BaseException):
    """SIGTERM arrived (a scheduler's timeout or shutdown). A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way swallows it."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _err(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)


#: Environment variables that size the native thread pools of libraries loaded later (OpenMP: torch, scikit-learn;
#: BLAS builds; numexpr): ``--threads`` sets them so that a pool created after the start is capped too.
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _thread_caps(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """Cap every native thread pool of this process at ``threads`` (None: no cap).

    The USE embedder limits BLAS only inside its own encode (``embed.threads``); the rest of tagging (centroid
    assignment, affect and department heads: numpy BLAS; scikit-learn: OpenMP; Arrow's CPU pool for Parquet)
    would use every core. threadpoolctl caps the BLAS and OpenMP libraries already loaded, the environment
    variables those loaded later, ``pyarrow.set_cpu_count`` Arrow's pool."""
    if threads is None:
        return contextlib.nullcontext()
    import pyarrow as pa
    from threadpoolctl import threadpool_limits

    for name in _THREAD_ENV:
        os.environ[name] = str(threads)
    pa.set_cpu_count(threads)
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(limits=threads)
    return limits


#: ``--format`` values for an INPUT read from a pipe (``-``, ``/dev/stdin``, a named pipe).
_PIPE_FORMATS = ("csv", "tsv", "jsonl", "json", "txt", "parquet", "xlsx")


def _sniff_format(head: bytes) -> str:
    """The format of piped bytes from their start: Parquet, workbook, gzip (then what it holds), JSON, else CSV."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\x1f\x8b"):
        import gzip
        import zlib

        try:
            inner = gzip.GzipFile(fileobj=io.BytesIO(head)).read(512)
        except (EOFError, OSError, zlib.error):
            inner = b""
        return _sniff_format(inner) + ".gz" if inner else "csv.gz"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return "csv"


def _spool_pipe(input_: Path, out: Path, fmt: str | None) -> Path | None:
    """Copy an INPUT that is a pipe (``-``: standard input, ``/dev/stdin``, a named pipe), or any file given with
    ``--format``, into ``OUT.stdin.<format>`` so that it can be read in chunks like a file (twice: the encoding is
    sniffed first); None for a plain file without ``--format``. The format is ``--format``, or sniffed from the
    first bytes (CSV when nothing else fits)."""
    piped = str(input_) == "-" or (input_.exists() and not input_.is_file() and not input_.is_dir())
    if not piped and (fmt is None or not input_.is_file()):
        return None
    if fmt is not None and fmt.lower().removeprefix(".").removesuffix(".gz") not in _PIPE_FORMATS:
        raise VocMinerError(
            f"--format {fmt!r} is not one of {', '.join(_PIPE_FORMATS)} (each may end in .gz); pass the format of "
            "the data piped in."
        )
    spool = out.with_name(out.name + ".stdin")
    source = sys.stdin.buffer if str(input_) == "-" else input_.open("rb")
    copied = False
    try:
        with spool.open("wb") as fh:
            head = source.read(1 << 16)
            fh.write(head)
            while block := source.read(1 << 20):
                fh.write(block)
        copied = True
    except OSError as exc:
        raise VocMinerError(
            f"Cannot copy the piped input to {str(spool)!r}: {exc.strerror or exc}; free space on that disk or pass "
            "an --out elsewhere."
        ) from exc
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if not copied:  # interrupted, or a full disk: leave no partial copy behind
            spool.unlink(missing_ok=True)
    suffix = "." + (fmt.lower().removeprefix(".") if fmt else _sniff_format(head))
    return spool.replace(spool.with_name(spool.name + suffix))


def _setup_logging(quiet: bool) -> None:
    # The CLI is an application, so it may configure logging (the library never does).
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    import jieba  # noqa: F401  (its import sets its logger to DEBUG: import first, then quieten)

    logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary-loading chatter


def _config(config: Path | None, lang: str | None, overrides: list[str] | None) -> Config:
    cfg = load_config(config) if config else Config()
    ov: dict[str, Any] = {}
    for item in overrides or []:
        if "=" not in item:
            raise VocMinerError(f"--set expects KEY=VALUE (e.g. cluster.seed=7); got {item!r}.")
        key, raw = item.split("=", 1)
        try:
            ov[key] = json.loads(raw)
        except json.JSONDecodeError:
            ov[key] = raw
    if lang:
        ov["rank.lang"] = lang
    return cfg.with_overrides(ov) if ov else cfg.validate()


def _columns(
    text_col: str, conv_col: str, speaker_col: str, turn_col: str, time_col: str, channel_col: str, subject_col: str
) -> ColumnsConfig:
    return ColumnsConfig(
        conversation_id=conv_col,
        turn=turn_col,
        speaker=speaker_col,
        text=text_col,
        timestamp=time_col,
        channel=channel_col,
        subject=subject_col,
    )


TextCol = Annotated[str, typer.Option("--text-col", help="Column holding the message text.")]
SubjectCol = Annotated[
    str,
    typer.Option(
        "--subject-col",
        help="Ticket subject/title column (optional): its text goes before the message, once per conversation.",
    ),
]
ConvCol = Annotated[
    str, typer.Option("--conversation-col", help="Conversation id column (absent: one row = one ticket).")
]
SpeakerCol = Annotated[str, typer.Option("--speaker-col", help="Speaker column (absent: every row is the customer).")]
TurnCol = Annotated[str, typer.Option("--turn-col", help="Turn order column (absent: file order).")]
TimeCol = Annotated[str, typer.Option("--time-col", help="Timestamp column (optional).")]
ChannelCol = Annotated[str, typer.Option("--channel-col", help="Channel column (optional).")]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="Encoding of CSV/TSV/JSON/TXT inputs (default: detected; UTF-8, GB18030/GBK, Big5, UTF-16)."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors and the final summary.")]
Sheet = Annotated[
    str | None,
    typer.Option("--sheet", help="Sheet of an Excel (.xlsx) input: its name or its position from 1 (default: first)."),
]
TimeZone = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="The team's time zone, an IANA name such as Asia/Shanghai (default UTC): timestamps without an "
        "offset are read in it, and reports count days, weeks, months and hours of day in it.",
    ),
]


def _run_fit(
    inputs: list[Path],
    out: Path,
    cfg: Config,
    taxonomy: Path | None,
    columns: ColumnsConfig,
    progress: bool = True,
    department_labels: Path | None = None,
) -> None:
    from voc_miner.pipeline import VocMiner
    from voc_miner.report import csv_safe, write_report

    if out.exists() and not out.is_dir():
        raise VocMinerError(f"--out {str(out)!r} is a file; pass a directory (it is created when missing).")
    t0 = time.perf_counter()
    miner = VocMiner(config=cfg, taxonomy=taxonomy, columns=columns, progress=progress)
    src: Any = inputs[0] if len(inputs) == 1 else inputs
    miner.fit(src, department_labels=department_labels)
    out.mkdir(parents=True, exist_ok=True)
    lang = cfg.rank.lang
    write_report(out, miner.root_causes_json(), miner.tags_, lang=lang, dept_names=miner.department_names(lang))
    miner.tags_.to_parquet(out / "tags.parquet", index=False)
    miner.turns_.to_parquet(out / "turns.parquet", index=False)
    csv_safe(miner.rejects_).to_csv(out / "rejects.csv", index=False)
    miner.save(out / "model")
    counts = miner.ingest_counts_
    typer.echo(
        f"rows read {counts['read']}, accepted {counts['accepted']}, rejected {counts['rejected']}"
        + "".join(f", {k.split(':')[1]} {v}" for k, v in counts.items() if k.startswith("rejected:"))
        + "".join(
            f"; {k} {v}" for k, v in counts.items() if ":" not in k and k not in ("read", "accepted", "rejected") and v
        )
    )
    typer.echo(
        f"{len(miner.tags_)} conversations, {len(miner.topics_)} topics in {len(miner.cause_groups_)} root causes, "
        f"{(miner.tags_['topic_id'] < 0).mean():.1%} unclustered, {len(miner.surges_)} surge(s)"
    )
    for rc in miner.root_causes_[:5]:
        n = len(rc.topic_ids) - 1
        more = f" (+{n} topic{'s' if n > 1 else ''})" if n else ""
        typer.echo(f"  {rc.rank:>2}. [{rc.department}] {rc.label}{more} -> {rc.recommended_fix}")  # fix has the share
    typer.echo(
        f"wrote {out}/root_causes.json, report.md, report.html, tags.parquet, model/ in {time.perf_counter() - t0:.0f}s"
    )


@app.command()
def fit(
    inputs: Annotated[
        list[Path], typer.Argument(help="Input files: CSV, TSV, JSONL, JSON, TXT, Excel (.xlsx) or Parquet.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    taxonomy: Annotated[Path | None, typer.Option("--taxonomy", help="Department taxonomy YAML.")] = None,
    department_labels: Annotated[
        Path | None,
        typer.Option(
            "--department-labels",
            help="Labelled history (CSV, Excel or Parquet) with columns conversation_id,department: "
            "departments are then mapped by a supervised, calibrated model.",
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Config override KEY=VALUE, repeatable.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Report language: en or zh.")] = None,
    text_col: TextCol = "text",
    subject_col: SubjectCol = "",
    conversation_col: ConvCol = "conversation_id",
    speaker_col: SpeakerCol = "speaker",
    turn_col: TurnCol = "turn",
    time_col: TimeCol = "timestamp",
    channel_col: ChannelCol = "channel",
    encoding: Encoding = None,
    sheet: Sheet = None,
    timezone: TimeZone = None,
    quiet: Quiet = False,
) -> None:
    """Discover root causes in INPUTS; write the report, tags and the model to --out."""
    _setup_logging(quiet)
    overrides = [
        *(set_ or []),
        *([f"ingest.encoding={encoding}"] if encoding else []),
        *([f"ingest.sheet={sheet}"] if sheet else []),
        *([f"ingest.timezone={timezone}"] if timezone else []),
    ]
    cfg = _config(config, lang, overrides)
    cols = _columns(text_col, conversation_col, speaker_col, turn_col, time_col, channel_col, subject_col)
    if department_labels is not None:  # check the labels before the long fit
        from voc_miner.departments import load_department_labels, load_taxonomy

        load_department_labels(department_labels, taxonomy=load_taxonomy(taxonomy or cfg.departments.taxonomy))
    _run_fit(inputs, out, cfg, taxonomy, cols, progress=not quiet, department_labels=department_labels)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("out/demo"),
    lang: Annotated[str | None, typer.Option("--lang", help="Report language: en or zh.")] = None,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Time zone of the report's calendar (the demo shop's: Asia/Shanghai).")
    ] = DEMO_TIMEZONE,
    quiet: Quiet = False,
) -> None:
    """Run the whole pipeline on the bundled synthetic bilingual demo corpus."""
    _setup_logging(quiet)
    corpus = _demo_corpus()
    cfg = _config(None, lang, [f"ingest.timezone={timezone}"])
    _run_fit([corpus], out, cfg, None, ColumnsConfig(), progress=not quiet)


def _demo_corpus() -> Path:
    here = Path(__file__).resolve()
    for cand in (
        here.parent / "_corpora" / "demo_ecommerce.jsonl",
        here.parent.parent.parent / "corpora" / "demo_ecommerce.jsonl",
    ):
        if cand.is_file():
            return cand
    raise VocMinerError("The demo corpus is not installed; run from a source checkout (corpora/demo_ecommerce.jsonl).")


@app.command()
def tag(
    model: Annotated[Path, typer.Argument(help="Model directory written by fit (DIR/model).")],
    input_: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Input file: Parquet, CSV, TSV, JSONL, JSON, TXT, .xlsx.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output Parquet file of per-conversation tags.")],
    text_col: TextCol = "text",
    subject_col: SubjectCol = "",
    conversation_col: ConvCol = "conversation_id",
    speaker_col: SpeakerCol = "speaker",
    turn_col: TurnCol = "turn",
    time_col: TimeCol = "timestamp",
    channel_col: ChannelCol = "channel",
    encoding: Encoding = None,
    sheet: Sheet = None,
    timezone: Annotated[
        str | None,
        typer.Option("--timezone", help="Time zone of timestamps without an offset (default: the model's)."),
    ] = None,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="Rows per chunk (bounds memory).")] = 20_000,
    threads: Annotated[
        int | None, typer.Option("--threads", help="CPU threads to use, >= 1 (default: all cores).")
    ] = None,
    device: Annotated[
        str | None,
        typer.Option(
            "--device",
            help="Device of a local sentence-transformers model: cuda, cuda:1, cpu (default: CUDA when present).",
        ),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Format of an INPUT read from a pipe ('-' for standard input, /dev/stdin, a named pipe): "
            "csv, tsv, jsonl, json, txt, parquet or xlsx, each optionally .gz (default: sniffed; CSV when unsure). "
            "A piped input is not resumable: a rerun starts over.",
        ),
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help="An input without any row (an empty or header-only export: a quiet night) writes an empty OUT "
            "with the usual columns and exits 0, instead of exiting 2.",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Tag INPUT with a saved MODEL, streaming in chunks; resumable: rerun the same command after a crash.

    Writes OUT (one row per conversation; the columns and types of fit's tags.parquet) and OUT.rejects.csv (rows
    not tagged, with a reason). One job at a time per OUT: a second one exits 2 at once (OUT.lock).
    Exit codes: 0 done, 2 bad input/options/model or OUT in use by another job, 130 interrupted and 143 terminated
    (SIGTERM; rerun the same command to resume), 1 internal error.
    """
    from dataclasses import replace

    from voc_miner.batch import SYNTHETIC_ID_ATTR, output_lock, stream_tag
    from voc_miner.io import LINE_COLUMN, MALFORMED_COLUMN, ingest_frame
    from voc_miner.pipeline import VocMiner, tag_schema

    _setup_logging(quiet)
    logging.getLogger("voc_miner").setLevel(logging.WARNING)  # the progress bar reports instead of per-chunk logs
    if out.is_dir():
        raise VocMinerError(
            f"--out {str(out)!r} is a directory; pass the Parquet file to write, e.g. {str(out / 'tags.parquet')!r}."
        )
    if threads is not None and threads < 1:
        raise VocMinerError(f"--threads must be a whole number >= 1 (or left out to use every core); got {threads}.")
    t0 = time.perf_counter()
    previous_handler = signal.signal(signal.SIGTERM, _raise_terminated)  # a scheduler's timeout: stop like Ctrl-C
    try:
        # the lock before the model loads: a second job on the same --out stops at once
        with output_lock(out), _thread_caps(threads):
            miner = VocMiner.load(model, progress=False)  # the chunk progress bar replaces the embedding bar
            cfg = miner.config_
            cols = _columns(text_col, conversation_col, speaker_col, turn_col, time_col, channel_col, subject_col)
            cfg = replace(
                cfg,
                ingest=replace(
                    cfg.ingest,
                    columns=cols,
                    encoding=encoding,
                    timezone=timezone or cfg.ingest.timezone,
                    sheet=sheet or cfg.ingest.sheet,
                ),
                embed=replace(
                    cfg.embed,
                    threads=threads if threads is not None else cfg.embed.threads,
                    device=device or cfg.embed.device,
                ),
            )
            miner.config_ = cfg.validate()
            spooled = _spool_pipe(input_, out, format_)

            columns_checked = False

            def tag_fn(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
                nonlocal columns_checked
                made_up = df.attrs.get(SYNTHETIC_ID_ATTR)
                if made_up is not None and not columns_checked:  # flat tickets: the file's columns, not the made-up id
                    own = df.iloc[:0].drop(columns=[made_up, LINE_COLUMN, MALFORMED_COLUMN], errors="ignore")
                    ingest_frame(own, config=miner.config_.ingest)
                columns_checked = True  # every chunk of a file has its columns
                res = miner.tag(df)
                return res.tags, res.rejects

            try:
                stats = stream_tag(
                    tag_fn,
                    spooled or input_,
                    out,
                    model_dir=model,
                    id_col=conversation_col,
                    chunk_rows=chunk_rows,
                    encoding=encoding,
                    sheet=miner.config_.ingest.sheet,
                    progress=not quiet,
                    settings=json.dumps(dataclasses.asdict(miner.config_.ingest), sort_keys=True, default=str),
                    schema=tag_schema(),
                    allow_empty=allow_empty,
                    locked=True,
                )
            finally:
                if spooled is not None:
                    spooled.unlink(missing_ok=True)
    except KeyboardInterrupt:
        _err("interrupted; rerun the same command to resume from the last finished chunk")
        raise typer.Exit(130) from None
    except _Terminated:
        _err("terminated (SIGTERM); rerun the same command to resume from the last finished chunk")
        raise typer.Exit(143) from None
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    typer.echo(
        f"rows read {stats.rows}, conversations tagged {stats.conversations}, rows rejected {stats.rejected_rows} "
        f"({stats.chunks} chunks, {stats.resumed_chunks} resumed) in {time.perf_counter() - t0:.0f}s; "
        f"wrote {out} and {out.with_suffix('.rejects.csv')}"
    )


@app.command()
def report(
    run_dir: Annotated[
        Path, typer.Argument(help="Output directory of a fit run (model/, tags.parquet, turns.parquet).")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write (default: RUN_DIR; with --input, RUN_DIR/input-NAME)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: en or zh.")] = "en",
    month: Annotated[str | None, typer.Option("--month", help="Report one month, e.g. 2026-10.")] = None,
    input_: Annotated[
        Path | None, typer.Option("--input", help="Tickets to tag with RUN_DIR/model and report on instead.")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Calendar of the report (months, weeks, hours), an IANA name such as Asia/Shanghai "
            "(default: the zone the model was fitted with).",
        ),
    ] = None,
    text_col: TextCol = "text",
    subject_col: SubjectCol = "",
    conversation_col: ConvCol = "conversation_id",
    speaker_col: SpeakerCol = "speaker",
    turn_col: TurnCol = "turn",
    time_col: TimeCol = "timestamp",
    channel_col: ChannelCol = "channel",
    encoding: Encoding = None,
    sheet: Sheet = None,
) -> None:
    """Write report.md / report.html / root_causes.json for a fit run: another language, one month, or new data.

    The column, encoding and sheet options describe the --input file (as for tag)."""
    from voc_miner.pipeline import VocMiner, report_run

    # new tickets get a folder of their own: written into RUN_DIR they replaced the fit's reports and rejects.csv
    default = run_dir / f"input-{input_.name.split('.')[0] or 'data'}" if input_ is not None else run_dir
    target = out or default
    if target.exists() and not target.is_dir():
        raise VocMinerError(f"--out {str(target)!r} is a file; pass a directory (it is created when missing).")
    if input_ is not None:
        miner = VocMiner.load(run_dir / "model")
        cols = _columns(text_col, conversation_col, speaker_col, turn_col, time_col, channel_col, subject_col)
        ingest_cfg = dataclasses.replace(
            miner.config_.ingest, columns=cols, encoding=encoding, sheet=sheet or miner.config_.ingest.sheet
        )
        miner.config_ = dataclasses.replace(miner.config_, ingest=ingest_cfg).validate()
        paths = miner.report(target, lang=lang, month=month, data=input_, timezone=timezone)
        rejects = pd.read_csv(paths["rejects"], usecols=["reason"])
        typer.echo(
            f"--input: {len(rejects)} row(s) rejected"
            + "".join(f", {reason} {n}" for reason, n in rejects["reason"].value_counts().items())
            + f" (see {paths['rejects']})"
        )
    else:
        paths = report_run(run_dir, out_dir=out, lang=lang, month=month, timezone=timezone)
    typer.echo("wrote " + ", ".join(str(p) for p in paths.values()))


def main() -> None:
    """Console entry point: VocMinerError -> one line on stderr, exit 2."""
    try:
        app(standalone_mode=True)
    except VocMinerError as exc:
        _err(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        sys.exit(2)
    except OSError as exc:  # a folder that cannot be written, a full disk: the user's to fix, not a traceback
        where = f" {str(exc.filename)!r}" if exc.filename else ""
        _err(f"cannot read or write{where}: {exc.strerror or exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
