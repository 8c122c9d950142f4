"""Open the HTML report in headless Chromium and fail when a chart is missing or blank.

For every chart container the report should have (``voc_miner.report.CHART_KEYS``: top causes,
topic trends, sentiment by department, emotions by department, weekday × hour volume):

a. **exists** – ``<div id="chart-KEY">`` is in the page;
b. **drawn** – plotly rendered an SVG in it with data traces (``g.trace`` groups) and data marks
   (bar / line / marker paths, heatmap images), counted by JavaScript in the page;
c. **visible** – the screenshot crop over the element's bounding box, and over its plot area, is not
   one uniform colour (numpy on the PNG; a crop counts as uniform when every pixel is within
   ``--tolerance`` of the crop's median colour).

The page as a whole must also work offline: no ``<script src>`` / ``<link href>`` / ``<img src>`` that
points outside the file (plotly.js is inlined), no network request other than ``file:``/``data:``
while it loads, and no JavaScript exception or console error (a blocked script would show up here).

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors
3 and 4, NUL-separated JSON), so only the ``chromium`` binary is needed: no chromedriver, no
selenium, no websocket library, no network port. It runs with ``--headless --no-sandbox --disable-gpu
--disable-background-networking`` and a throw-away profile. A full-page PNG screenshot of each page
is saved.

Without ``--html``, the script fits the bundled demo corpus (``corpora/demo_ecommerce.jsonl``, about
1.5 minutes on 2 cores), writes an English report of everything and a Chinese report of 2026-10,
checks both, and checks a negative control: a copy of the English report whose heatmap has no data,
which the check must flag. Exit status 0 when every real report passes and the control fails, else 1;
2 when Chromium is not installed.

Usage::

    python evaluation/report_browser_check.py                      # demo reports + negative control
    python evaluation/report_browser_check.py --html out/report.html [--html other.html]
    python evaluation/report_browser_check.py --out evaluation/results/report_browser_check.json \\
        --workdir out/report_browser_check --chromium /usr/bin/chromium
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import platform
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if (REPO / "src").is_dir() and str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

DEFAULT_OUT = REPO / "evaluation" / "results" / "report_browser_check.json"
DEFAULT_WORKDIR = REPO / "out" / "report_browser_check"
DEMO = REPO / "corpora" / "demo_ecommerce.jsonl"
#: Chromium flags: headless, no sandbox (containers), no GPU, no background traffic, no first-run UI.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


#: Runs in the child: put the pipe ends (argv 1, 2) on fds 3 and 4, then exec the browser (argv 3...).
_TRAMPOLINE = """
import fcntl, os, sys
r, w = int(sys.argv[1]), int(sys.argv[2])
a, b = fcntl.fcntl(r, fcntl.F_DUPFD, 5), fcntl.fcntl(w, fcntl.F_DUPFD, 5)  # never 3 or 4: dup2 below is a real copy
os.dup2(a, 3, inheritable=True)
os.dup2(b, 4, inheritable=True)
for fd in {a, b, r, w} - {3, 4}:
    os.close(fd)
try:
    os.execv(sys.argv[3], sys.argv[3:])
except OSError as exc:
    sys.exit(f"cannot start {sys.argv[3]!r}: {exc}")
"""


class BrowserCheckError(RuntimeError):
    """Chromium could not be started or stopped answering."""


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium binary: ``explicit``, ``$VOC_CHROMIUM``, or the first of chromium/chrome on PATH."""
    for name in (explicit, os.environ.get("VOC_CHROMIUM"), *_CANDIDATES):
        if name:
            found = shutil.which(name)
            if found:
                return found
    return None


# --------------------------------------------------------------------------- DevTools protocol over a pipe
class Chromium:
    """A headless Chromium driven through the DevTools protocol over ``--remote-debugging-pipe``.

    Use as a context manager; :meth:`open_page` opens a tab and returns its target and session ids.
    """

    def __init__(self, *, binary: str, timeout: float = 60.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory(prefix="voc-chromium-")
        self._log = Path(self._profile.name) / "chromium-stderr.log"
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Chromium reads commands on its fd 3 and writes replies on fd 4. A tiny Python trampoline moves the
        # pipe ends there and execs the browser (no preexec_fn: it is not safe in a process with threads).
        command = [sys.executable, "-I", "-c", _TRAMPOLINE, str(to_chrome_r), str(from_chrome_w), self.binary]
        command += [*CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"]
        try:
            with self._log.open("wb") as log:
                self._proc = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    pass_fds=(to_chrome_r, from_chrome_w),
                )
        except OSError as exc:
            os.close(to_chrome_w)
            os.close(from_chrome_r)
            self._profile.cleanup()
            raise BrowserCheckError(f"cannot start {self.binary!r}: {exc}") from exc
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)
        self._w = os.fdopen(to_chrome_w, "wb")
        self._r = from_chrome_r
        try:
            self.send("Browser.getVersion")
        except (BrowserCheckError, OSError) as exc:
            tail = self._log.read_text(encoding="utf-8", errors="replace")[-800:] if self._log.exists() else ""
            self.__exit__(None, None, None)
            raise BrowserCheckError(f"{exc}; Chromium said: {tail.strip() or '(nothing)'}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.poll() is None:
                    self.send("Browser.close", timeout=5)
            except (BrowserCheckError, OSError):
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            with contextlib.suppress(OSError):  # the browser is gone: nothing left to flush to
                self._w.close()
            os.close(self._r)
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserCheckError(f"Chromium did not answer within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise BrowserCheckError("Chromium closed the DevTools pipe (did it crash at start-up?)")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None, timeout: float = 0
    ) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile go to :attr:`events`."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            self._w.write(json.dumps(msg).encode("utf-8") + b"\0")
            self._w.flush()
        except BrokenPipeError as exc:
            raise BrowserCheckError("Chromium closed the DevTools pipe") from exc
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserCheckError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, *, session: str, timeout: float) -> dict[str, Any]:
        """Wait for an event (already received ones included) of ``method`` in ``session``."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for ev in self.events[seen:]:
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return ev
            seen = len(self.events)
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)

    def open_page(self, *, width: int, height: int) -> tuple[str, str]:
        """A new blank tab with Page, Runtime, Network and Log enabled: (target id, session id)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = str(
            self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        )
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        return str(target["targetId"]), session

    def evaluate(self, expression: str, *, session: str) -> Any:
        """Value of a JavaScript expression in the page (promises awaited, JSON-serialisable values)."""
        res = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=session,
        )
        if "exceptionDetails" in res:
            raise BrowserCheckError(f"JavaScript failed: {res['exceptionDetails'].get('text')}")
        return res["result"].get("value")


# --------------------------------------------------------------------------- static checks
class _Resources(HTMLParser):
    """Every src/href of script, link, img, iframe, source, audio, video and object elements."""

    TAGS = frozenset({"script", "link", "img", "iframe", "source", "audio", "video", "object", "embed"})

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            return
        values = {k: v for k, v in attrs}
        for attr in ("src", "href", "data"):
            if values.get(attr):
                self.refs.append((tag, str(values[attr])))
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1


_LOCAL = re.compile(r"^(data:|#|about:blank$)", re.IGNORECASE)


def external_resources(html: str) -> list[str]:
    """``tag=url`` of every resource reference that is not inline (``data:``) or a fragment.

    Example:
        >>> external_resources('<script src="https://cdn.plot.ly/plotly.js"></script><script>1</script>')
        ['script=https://cdn.plot.ly/plotly.js']
        >>> external_resources('<img src="data:image/png;base64,AA=="><a href="https://x.org">x</a>')
        []
    """
    parser = _Resources()
    parser.feed(html)
    return [f"{tag}={ref}" for tag, ref in parser.refs if not _LOCAL.match(ref.strip())]


# --------------------------------------------------------------------------- page probe
_PROBE_JS = r"""
(() => {
  const keys = %(keys)s;
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
  };
  const charts = keys.map((key) => {
    const el = document.getElementById('chart-' + key);
    if (!el) return {key: key, exists: false};
    const svg = el.querySelector('svg.main-svg');
    // data traces: scatter/bar/pie groups are g.trace, heatmaps g.hm (legend entries are g.traces: not counted)
    const traces = el.querySelectorAll('svg.main-svg g.trace, svg.main-svg g.hm').length;
    const sized = (m) => {
      const r = m.getBoundingClientRect();
      return (r.width > 0 || r.height > 0) && (m.tagName !== 'path' || (m.getAttribute('d') || '').length > 2);
    };
    const marks = Array.from(el.querySelectorAll(
      'g.trace .point path, g.trace path.point, g.trace path.js-line, g.trace path.surface, g.hm image'
    )).filter(sized).length;
    const plot = el.querySelector('.draglayer .nsewdrag') || el.querySelector('.bglayer .bg');
    const style = window.getComputedStyle(el);
    return {
      key: key, exists: true, svg: !!svg, traces: traces, marks: marks,
      plotly_traces: (el.data || []).length, box: box(el), plot_box: box(plot),
      visible: style.visibility !== 'hidden' && style.display !== 'none' && el.offsetParent !== null,
    };
  });
  return {
    charts: charts,
    plotly: typeof window.Plotly !== 'undefined',
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  };
})()
"""

_READY_JS = r"""
new Promise((resolve) => {
  const keys = %(keys)s;
  const t0 = performance.now();
  const tick = () => {
    const done = keys.every((k) => {
      const el = document.getElementById('chart-' + k);
      return !el || !el.dataset.chart || el.querySelector('svg.main-svg') || performance.now() - t0 > %(ms)d;
    });
    if (done || performance.now() - t0 > %(ms)d) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    } else { setTimeout(tick, 50); }
  };
  tick();
})
"""


@dataclass(frozen=True, kw_only=True)
class ChartCheck:
    """Result of the three checks on one chart container."""

    key: str
    exists: bool
    traces: int = 0
    marks: int = 0
    box: dict[str, float] | None = None
    colours: int = 0
    plot_colours: int = 0
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, kw_only=True)
class ReportCheck:
    """Result of checking one HTML report."""

    html: str
    screenshot: str | None
    charts: tuple[ChartCheck, ...]
    external_resources: tuple[str, ...] = ()
    external_requests: tuple[str, ...] = ()
    js_errors: tuple[str, ...] = ()
    plotly_loaded: bool = False
    bytes: int = 0
    seconds: float = 0.0
    steps_s: dict[str, float] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.ok for c in self.charts)

    def failures(self) -> list[str]:
        """Every problem, chart problems prefixed with the chart key."""
        return list(self.problems) + [f"{c.key}: {p}" for c in self.charts for p in c.problems]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        out["charts"] = [{**asdict(c), "ok": c.ok} for c in self.charts]
        return out


def _crop_stats(image: np.ndarray, box: dict[str, float] | None, tolerance: int) -> tuple[int, bool]:
    """(distinct colours, uniform?) of the screenshot inside ``box`` (CSS px == image px)."""
    if not box:
        return 0, True
    h, w = image.shape[:2]
    x0, y0 = max(0, int(np.floor(box["x"]))), max(0, int(np.floor(box["y"])))
    x1, y1 = min(w, int(np.ceil(box["x"] + box["width"]))), min(h, int(np.ceil(box["y"] + box["height"])))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0, True
    crop = image[y0:y1, x0:x1, :3].astype(np.int32)
    packed = (crop[..., 0] << 16) | (crop[..., 1] << 8) | crop[..., 2]
    colours = len(np.unique(packed))
    median = np.median(crop.reshape(-1, 3), axis=0)
    uniform = bool(np.abs(crop - median).max() <= tolerance)
    return colours, uniform


def check_page(
    browser: Chromium,
    html_path: str | Path,
    *,
    keys: Sequence[str],
    screenshot: str | Path | None = None,
    width: int = 1280,
    tolerance: int = 8,
    render_timeout: float = 20.0,
) -> ReportCheck:
    """Load ``html_path`` in ``browser`` and run the checks on the chart containers ``keys``."""
    from PIL import Image

    t0 = time.perf_counter()
    path = Path(html_path).resolve()
    html = path.read_text(encoding="utf-8")
    problems: list[str] = []
    steps: dict[str, float] = {}
    external = external_resources(html)
    if external:
        problems.append(f"references outside the file (not offline): {external[:5]}")
    first_event = len(browser.events)
    target, session = browser.open_page(width=width, height=900)
    try:
        browser.send("Page.navigate", {"url": path.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired", session=session, timeout=render_timeout + 30)
        steps["load"] = time.perf_counter() - t0
        keys_js = json.dumps(list(keys))
        browser.evaluate(_READY_JS % {"keys": keys_js, "ms": int(render_timeout * 1000)}, session=session)
        steps["render"] = time.perf_counter() - t0
        page = browser.evaluate(_PROBE_JS % {"keys": keys_js}, session=session)
        height = int(min(max(page["height"], 900), 30_000))
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.evaluate(
            "new Promise(r => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(r)), 300))",
            session=session,
        )
        page = browser.evaluate(_PROBE_JS % {"keys": keys_js}, session=session)  # boxes at the final size
        steps["resize"] = time.perf_counter() - t0
        shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
        steps["screenshot"] = time.perf_counter() - t0
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    png = base64.b64decode(shot["data"])
    if screenshot is not None:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        Path(screenshot).write_bytes(png)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    events = [e for e in browser.events[first_event:] if e.get("sessionId") == session]
    requests = sorted(
        {
            str(e["params"]["request"]["url"])[:200]
            for e in events
            if e.get("method") == "Network.requestWillBeSent"
            and not re.match(r"^(file|data|about|blob):", str(e["params"]["request"]["url"]))
        }
    )
    errors = [
        str(e["params"]["exceptionDetails"].get("exception", {}).get("description") or e["params"]["exceptionDetails"])
        for e in events
        if e.get("method") == "Runtime.exceptionThrown"
    ] + [
        f"console {e['params']['entry']['level']}: {e['params']['entry'].get('text', '')}"
        for e in events
        if e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
    ]
    if requests:
        problems.append(f"network requests while loading (not offline): {requests[:5]}")
    if errors:
        problems.append(f"JavaScript errors: {[x[:160] for x in errors[:3]]}")
    if not page["plotly"]:
        problems.append("plotly.js did not load")

    charts = []
    for c in page["charts"]:
        if not c["exists"]:
            charts.append(ChartCheck(key=c["key"], exists=False, problems=("missing: no element #chart-" + c["key"],)))
            continue
        issues = []
        if not c["svg"]:
            issues.append("blank: plotly drew no SVG")
        elif c["traces"] == 0 or c["plotly_traces"] == 0:
            issues.append("blank: no data trace")
        elif c["marks"] == 0:
            issues.append("blank: traces draw no bar, line, marker or heatmap cell")
        if not c["visible"]:
            issues.append("hidden (display/visibility)")
        colours, uniform = _crop_stats(image, c["box"], tolerance)
        plot_colours, plot_uniform = _crop_stats(image, c["plot_box"], tolerance) if c["plot_box"] else (0, False)
        if uniform:
            issues.append(f"blank on screen: the element's {_size(c['box'])} crop is one colour")
        elif c["plot_box"] and plot_uniform:
            issues.append(f"blank on screen: the plot area's {_size(c['plot_box'])} crop is one colour")
        charts.append(
            ChartCheck(
                key=c["key"],
                exists=True,
                traces=int(c["traces"]),
                marks=int(c["marks"]),
                box={k: round(float(v), 1) for k, v in (c["box"] or {}).items()},
                colours=colours,
                plot_colours=plot_colours,
                problems=tuple(issues),
            )
        )
    return ReportCheck(
        html=str(path),
        screenshot=str(screenshot) if screenshot is not None else None,
        charts=tuple(charts),
        external_resources=tuple(external),
        external_requests=tuple(requests),
        js_errors=tuple(errors),
        plotly_loaded=bool(page["plotly"]),
        bytes=len(html.encode("utf-8")),
        seconds=round(time.perf_counter() - t0, 2),
        steps_s={k: round(v, 2) for k, v in steps.items()},
        problems=tuple(problems),
    )


def _size(box: dict[str, float] | None) -> str:
    return f"{box['width']:.0f}×{box['height']:.0f} px" if box else "empty"


def check_reports(
    htmls: Sequence[str | Path],
    *,
    chromium: str,
    keys: Sequence[str] | None = None,
    screenshot_dir: str | Path | None = None,
    tolerance: int = 8,
) -> list[ReportCheck]:
    """Check several reports in one browser; screenshots ``<stem>.png`` in ``screenshot_dir`` (or next to each)."""
    from voc_miner.report import CHART_KEYS

    out = []
    with Chromium(binary=chromium) as browser:
        for html in htmls:
            p = Path(html)
            shot = (Path(screenshot_dir) / f"{p.parent.name}_{p.stem}.png") if screenshot_dir else p.with_suffix(".png")
            out.append(check_page(browser, p, keys=keys or CHART_KEYS, screenshot=shot, tolerance=tolerance))
            out[-1].steps_s["total"] = out[-1].seconds
    return out


# --------------------------------------------------------------------------- demo reports and the negative control
def blank_chart(html: str, key: str) -> str:
    """The report with chart ``key``'s data removed (its figure becomes ``{"data": [], "layout": {}}``)."""
    pattern = re.compile(rf'^("{re.escape(key)}": )\{{.*\}}(,?)$', re.MULTILINE)
    new, n = pattern.subn(lambda m: m.group(1) + '{"data": [], "layout": {}}' + m.group(2), html, count=1)
    if n != 1:
        raise ValueError(f"chart {key!r} not found in the report's FIGS script")
    return new


@contextmanager
def _timer(label: str, timings: dict[str, float]) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    timings[label] = round(time.perf_counter() - t0, 1)


def demo_reports(workdir: Path, timings: dict[str, float]) -> list[tuple[str, Path, bool]]:
    """Fit the demo corpus, write the en/zh reports and the negative control: (name, html, should pass)."""
    from voc_miner import VocMiner

    with _timer("fit_demo_s", timings):
        miner = VocMiner(progress=False).fit(DEMO)
    with _timer("write_reports_s", timings):
        en = miner.report(workdir / "en_all", lang="en")["html"]
        zh = miner.report(workdir / "zh_2026-10", lang="zh", month="2026-10")["html"]
    control = workdir / "control_blank_heatmap" / "report.html"
    control.parent.mkdir(parents=True, exist_ok=True)
    control.write_text(blank_chart(en.read_text(encoding="utf-8"), "heatmap"), encoding="utf-8")
    return [("en (all data)", en, True), ("zh (2026-10)", zh, True), ("control: heatmap blanked", control, False)]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--html", action="append", type=Path, help="report(s) to check instead of the demo reports")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON (default: %(default)s)")
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="demo reports and screenshots")
    ap.add_argument("--chromium", help="Chromium binary (default: $VOC_CHROMIUM or chromium on PATH)")
    ap.add_argument("--tolerance", type=int, default=8, help="max colour difference of a 'uniform' crop")
    args = ap.parse_args(argv)

    binary = find_chromium(args.chromium)
    if binary is None:
        print("Chromium not found (Debian/Ubuntu: apt-get install chromium); nothing checked.", file=sys.stderr)
        return 2
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    args.workdir.mkdir(parents=True, exist_ok=True)
    cases = [(str(p), p, True) for p in args.html] if args.html else demo_reports(args.workdir, timings)
    with _timer("browser_checks_s", timings):
        results = check_reports(
            [p for _, p, _ in cases], chromium=binary, screenshot_dir=args.workdir, tolerance=args.tolerance
        )

    header = f"{'report':<26} {'chart':<10} {'traces':>6} {'marks':>6} {'colours':>8} {'plot col.':>9}  result"
    print(header)
    print("-" * len(header))
    all_good = True
    for (name, _, should_pass), res in zip(cases, results, strict=True):
        for c in res.charts:
            verdict = "ok" if c.ok else "FAIL: " + "; ".join(c.problems)
            print(
                f"{name[:26]:<26} {c.key:<10} {c.traces:>6} {c.marks:>6} {c.colours:>8} {c.plot_colours:>9}  {verdict}"
            )
        for p in res.problems:
            print(f"{name[:26]:<26} {'(page)':<10} {'':>6} {'':>6} {'':>8} {'':>9}  FAIL: {p}")
        expected = "pass" if should_pass else "fail"
        got = "pass" if res.ok else "fail"
        all_good &= expected == got
        print(
            f"{name[:26]:<26} => {got.upper()} (expected {expected}) · {res.bytes / 1e6:.1f} MB, "
            f"external refs {len(res.external_resources)}, requests {len(res.external_requests)}, "
            f"JS errors {len(res.js_errors)}, {res.seconds:.1f} s · screenshot {res.screenshot}"
        )
    timings["total_s"] = round(time.perf_counter() - t0, 1)
    doc = {
        "script": "evaluation/report_browser_check.py",
        "chromium": binary,
        "chromium_version": _version(binary),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "tolerance": args.tolerance,
        "timings": timings,
        "all_as_expected": all_good,
        "reports": [
            {"name": name, "expected_ok": should_pass, **res.to_json()}
            for (name, _, should_pass), res in zip(cases, results, strict=True)
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n{'ALL AS EXPECTED' if all_good else 'UNEXPECTED RESULT'} · wrote {args.out}")
    return 0 if all_good else 1


def _version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "unknown"


if __name__ == "__main__":
    sys.exit(main())
