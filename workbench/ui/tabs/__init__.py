"""One module per tab: layout() builds its components, wire() connects their events.

Handlers are module-level functions taking the ReviewerApp first, so tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any


def bind(handler: Callable, *args: Any) -> Callable:
    """handler with its first arguments (the app, ...) filled in, named for Gradio."""
    bound = partial(handler, *args)
    # Gradio names each event after its function; "<tab>_<handler>" keeps these private names
    # apart from the script API's (/check_claim, /save_review, /add_text in ui/api.py)
    tab = handler.__module__.rsplit(".", 1)[-1]
    bound.__name__ = f"{tab}_{handler.__name__}"  # type: ignore[attr-defined]
    return bound


def progress_callback(progress: Any, desc: str) -> Callable[..., None]:
    """An engine progress_callback(done, total, label) that drives a gr.Progress bar."""

    def report(done: int, total: int | None, label: str = "") -> None:
        try:
            if total:
                progress((int(done), int(total)), desc=desc)
            elif done is not None and float(done) <= 1:
                progress(float(done), desc=desc)
        except (TypeError, ValueError):  # a progress display must never break the work
            return

    return report
