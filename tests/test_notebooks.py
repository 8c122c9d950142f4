"""The example notebooks execute headless (nbclient), offline, without an error cell, in < 5 minutes together.

The kernel is this interpreter (``sys.executable``) through a throw-away kernelspec, so no
``ipykernel install`` is needed and the notebooks see exactly the environment under test.
The working directory is the repository root; outputs go to a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SHARED

nbformat = pytest.importorskip("nbformat", reason="notebook tests need nbformat: pip install 'voc-miner[notebook]'")
nbclient = pytest.importorskip("nbclient", reason="notebook tests need nbclient: pip install 'voc-miner[notebook]'")
pytest.importorskip("ipykernel", reason="notebook tests need ipykernel: pip install 'voc-miner[notebook]'")

EXAMPLES = REPO / "examples"
NOTEBOOKS = ("quickstart", "custom_taxonomy")
BUDGET_S = 300.0
KERNEL = "voc-miner-under-test"
STC3 = SHARED / "stc3_helpdesk_zh_en" / "train_data_cn.json"


def _kernel_manager(tmp: Path) -> Any:
    """An async kernel manager that starts ``sys.executable -m ipykernel_launcher``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = tmp / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "voc_miner tests", "language": "python"}), encoding="utf-8"
    )
    ksm = KernelSpecManager(kernel_dirs=[str(tmp / "kernels")], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=ksm)


def _offline_env(out: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "VOC_MINER_EXAMPLES_OUT": str(out),
            # No network: model hubs offline, and any HTTP(S) call goes to a closed local port.
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "localhost,127.0.0.1",
            "no_proxy": "localhost,127.0.0.1",
            "PYTHONHASHSEED": "0",
        }
    )
    env.update(extra)
    return env


def run_notebook(name: str, tmp: Path, **env: str) -> tuple[Any, float]:
    """Execute ``examples/<name>.ipynb``; raises CellExecutionError on the first error cell."""
    from jupyter_core.utils import run_sync

    nb = nbformat.read(EXAMPLES / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb,
        km=_kernel_manager(tmp),
        timeout=BUDGET_S,
        allow_errors=False,
        resources={"metadata": {"path": str(REPO)}},
    )
    km = client.km
    t0 = time.perf_counter()
    try:
        client.execute(env=_offline_env(tmp / "out", **env))
    finally:  # nbclient only shuts down kernels it created itself
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    return nb, time.perf_counter() - t0


def outputs(nb: Any, kind: str | None = None) -> list[dict[str, Any]]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if kind is None or o["output_type"] == kind]


def text_of(nb: Any) -> str:
    parts = []
    for o in outputs(nb):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif "text/plain" in o.get("data", {}):
            parts.append(o["data"]["text/plain"])
    return "\n".join(parts)


def images(nb: Any) -> int:
    return sum("image/png" in o.get("data", {}) for o in outputs(nb))


@pytest.fixture(scope="module", autouse=True)
def _cjk_font() -> None:
    """The notebooks draw Chinese labels: without a CJK font their figure cells would fail."""
    pytest.importorskip("matplotlib", reason="the notebooks need matplotlib: pip install 'voc-miner[notebook]'")
    from voc_miner.errors import DependencyError
    from voc_miner.figures import cjk_font

    try:
        cjk_font()
    except DependencyError as exc:
        pytest.skip(f"no CJK font installed (apt-get install fonts-noto-cjk): {exc}")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, float, Path]]:
    """Both notebooks, run one after the other in fresh kernels."""
    runs = {}
    for name in NOTEBOOKS:
        tmp = tmp_path_factory.mktemp(name)
        nb, seconds = run_notebook(name, tmp)
        runs[name] = (nb, seconds, tmp / "out")
    return runs


def test_notebooks_are_saved_without_outputs() -> None:
    for name in NOTEBOOKS:
        nb = nbformat.read(EXAMPLES / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), name
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 4, f"{name}: explain the steps in markdown"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_without_error(name: str, executed: dict[str, tuple[Any, float, Path]]) -> None:
    nb, _, _ = executed[name]
    errors = outputs(nb, "error")
    assert errors == [], f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}" if errors else ""
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{name}: a cell did not run"


def test_quickstart_results(executed: dict[str, tuple[Any, float, Path]]) -> None:
    nb, _, out = executed["quickstart"]
    assert images(nb) >= 3  # top causes, trend, escalation trajectory
    report = out / "quickstart" / "report_2026-09"
    for f in ("report.html", "report.md", "root_causes.json"):
        assert (report / f).is_file() and (report / f).stat().st_size > 500, f
    steering = json.loads((out / "quickstart" / "model" / "steering.json").read_text(encoding="utf-8"))
    assert [op["op"] for op in steering] == ["merge", "move", "rename"]
    assert "conversations tagged" in text_of(nb)


def test_custom_taxonomy_results(executed: dict[str, tuple[Any, float, Path]]) -> None:
    nb, _, _ = executed["custom_taxonomy"]
    if not STC3.is_file():
        assert "STC-3 not found" in text_of(nb)
        return
    assert images(nb) >= 2
    text = text_of(nb)
    assert re.search(r"\d{3} conversations, \d+ topics", text), text[:500]
    assert "Network Operations" in text  # a telecom department owns a top cause


def test_custom_taxonomy_skips_without_shared_data(tmp_path: Path) -> None:
    nb, _ = run_notebook("custom_taxonomy", tmp_path, VOC_MINER_SHARED_DATA=str(tmp_path / "absent"))
    assert outputs(nb, "error") == []
    assert "STC-3 not found" in text_of(nb)
    assert images(nb) == 0


def test_both_notebooks_under_five_minutes(executed: dict[str, tuple[Any, float, Path]]) -> None:
    times = {name: round(seconds, 1) for name, (_, seconds, _) in executed.items()}
    print(f"notebook execution times (s): {times}")
    assert sum(times.values()) < BUDGET_S, times
