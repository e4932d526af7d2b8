"""Helpers shared by the browser tests (importable as ui_helpers)."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# seconds: the app builds the index (loads both models) before serving; slow on a busy machine
START_TIMEOUT = int(os.environ.get("WORKBENCH_TEST_START_TIMEOUT", "600"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    def __init__(self, index_dir: Path, port: int, proc: subprocess.Popen, log: Path):
        self.index_dir = index_dir
        self.port = port
        self.proc = proc
        self.log = log
        self.url = f"http://127.0.0.1:{port}/"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_app(index_dir: Path, extra_args: list[str] | None = None) -> RunningApp:
    port = _free_port()
    log = index_dir.parent / f"app-{port}.log"
    cmd = [sys.executable, str(ROOT / "app.py"), "--index", str(index_dir), "--port", str(port)]
    # Development aid only: point the app at another stance model. CI leaves it unset, so the
    # tests run against the shipped default model.
    if os.environ.get("WORKBENCH_TEST_STANCE_MODEL"):
        cmd += ["--stance-model", os.environ["WORKBENCH_TEST_STANCE_MODEL"]]
    cmd += extra_args or []
    env = dict(os.environ, PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    app = RunningApp(index_dir, port, proc, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{app.log_text()}")
        try:
            with urllib.request.urlopen(app.url, timeout=2) as r:
                if r.status == 200:
                    return app
        except OSError:
            time.sleep(0.5)
    stop_app(app)
    raise RuntimeError(f"the app did not start within {START_TIMEOUT}s:\n{app.log_text()}")


def stop_app(app: RunningApp) -> None:
    if app.proc.poll() is None:
        app.proc.terminate()
        try:
            app.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.proc.kill()
            app.proc.wait()


def check_claim(page, claim: str, date: str = "") -> None:
    """Type a claim (and date) in the Check tab, press Check, wait for this claim's verdict."""
    page.get_by_role("tab", name="Check").click()
    page.locator("#claim textarea").fill(claim)
    page.locator("#claim-date input, #claim-date textarea").first.fill(date)
    page.locator("#check-btn").click()
    page.locator("#verdict [data-verdict]", has_text=claim).wait_for()


def evidence_card(page, column: str, sentence: str):
    """The evidence card(s) in a column whose highlighted sentence contains `sentence`.

    (A card's context also shows neighbouring sentences, so match the <mark>, not the card.)
    """
    return page.locator(f"{column} .wb-card").filter(has=page.locator("mark", has_text=sentence))


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def assert_inert(page) -> None:
    """No dialog was opened, no payload ran, no injected element exists."""
    assert page.dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    assert page.locator("img[src='x'], img[onerror], script:has-text('__xss')").count() == 0


def write_claims(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A claims CSV (id, claim) for the Batch tab."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "claim"])
        writer.writerows(rows)
    return path
