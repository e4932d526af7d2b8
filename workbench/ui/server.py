"""Serving the reviewer UI: open (or first build) the index, load the models, launch Gradio.

Safety: Gradio's own upload/cache folder is moved inside the index (``<index>/ui-cache``) and
no extra ``allowed_paths`` are given, so the server serves nothing outside the index; the
database itself is blocked.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ..api import Workbench
from ..errors import WorkbenchError
from .app import MAX_UPLOAD_MB, ReviewerApp
from .uploads import examples_for_index

DEFAULT_PORT = 7860
LOOPBACK = ("127.0.0.1", "localhost", "::1")
STYLES = Path(__file__).with_name("styles.css")


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """("user", "password") from "user:password" (the password may contain ':')."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise WorkbenchError("--auth expects USER:PASSWORD, e.g. --auth ana:s3cret.")
    return user, password


def open_index(
    index_dir: str | Path, model: str | None = None, stance_model: str | None = None
) -> Workbench:
    """Open the index; the engine builds it from ``<index>/sources/`` if it has no documents."""
    wb = Workbench.open(index_dir=str(index_dir), model=model, stance_model=stance_model)

    def announce(sources: Path) -> None:
        print(f"Building the index in {index_dir} from {sources} …", file=sys.stderr, flush=True)

    report = wb.build_from_sources(progress=True, announce=announce)
    if report is not None:
        errors = f"; {len(report.errors)} error(s): {'; '.join(report.errors)}"
        print(
            f"Indexed {len(report.added)} document(s)" + (errors if report.errors else "."),
            file=sys.stderr,
            flush=True,
        )
    return wb


def warm_up(app: ReviewerApp) -> None:
    """Load both models and check one claim now, so the first click is fast and a model that
    cannot load stops the server with its one-sentence error instead of failing every click.
    An empty index is said on the terminal (and by every check in the UI)."""
    if app.is_empty():
        app.wb.embedder.encode(["warm-up"])
        app.wb.stance.predict([("warm-up", "warm-up")])
        print(f"warning: {app.empty_index_message()}", file=sys.stderr, flush=True)
        return
    app.check("warm-up")


def serve(
    index_dir: str | Path = "index",
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    auth: str | tuple[str, str] | None = None,
    model: str | None = None,
    stance_model: str | None = None,
    max_upload_mb: float = MAX_UPLOAD_MB,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
):
    """Open (or build) the index and serve the reviewer UI. Returns the Blocks."""
    index_dir = Path(index_dir).resolve()
    cache_dir = index_dir / "ui-cache"
    if isinstance(auth, str):
        auth = parse_auth(auth)
    shutil.rmtree(cache_dir / "exports", ignore_errors=True)  # result files of the last run
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Gradio serves its own upload/cache folder: keep it inside the index. Set before import.
    os.environ["GRADIO_TEMP_DIR"] = str(cache_dir)
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(cache_dir / "examples")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    wb = open_index(index_dir, model=model, stance_model=stance_model)
    app = ReviewerApp(wb, index_dir, max_upload_mb=max_upload_mb)
    warm_up(app)
    # The example claims were written for the default corpus: listed only on an index that
    # holds some of it (the Karabakh claims would only puzzle a reviewer of another corpus).
    examples, problems = examples_for_index(d["doc_id"] for d in app.documents())
    for problem in problems:
        print(f"warning: example claims skipped: {problem}", file=sys.stderr)

    import gradio as gr

    from .blocks import build_blocks
    from .tabs.check import CARD_CLICK_JS

    demo = build_blocks(app, examples)
    demo.queue(default_concurrency_limit=4)
    theme = gr.themes.Default(
        font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
    )
    if host not in LOOPBACK and not auth:
        print(
            f"warning: serving on {host} without --auth; anyone who can reach it can use it.",
            file=sys.stderr,
        )
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        max_file_size=app.max_upload_bytes,  # bytes: "0.5 MB" must not become int(0.5) == 0
        allowed_paths=[],
        blocked_paths=[str(Path(wb.db_path).resolve())],
        ssr_mode=False,
        share=False,
        inbrowser=False,
        show_error=True,
        quiet=True,  # Gradio's lines include a "share=True" hint that does not apply here
        theme=theme,
        css=STYLES.read_text(encoding="utf-8"),
        js=f"() => {{ {CARD_CLICK_JS} }}",
        footer_links=[],
        prevent_thread_lock=True,
        mcp_server=False,
    )
    if not quiet:
        print(f"Running on {demo.local_url}", flush=True)
    if not prevent_thread_lock:
        demo.block_thread()
    return demo
