"""Check-worthiness models: a tiny base class and a factory that reads a model folder.

Two kinds of folder exist, told apart by config.json's "format":
    workbench-checkworthy-head/1     head.py: logistic regression over TF-IDF + frozen MiniLM
    workbench-checkworthy-encoder/1  fine_tuned.py: MiniLM's layers fine-tuned with a linear head
Callers only score texts and read the threshold (base.py); which kind is loaded is the folder's
business.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from . import fine_tuned, head
from .base import CheckworthyModel
from .errors import CheckworthyModelError

__all__ = ["DEFAULT_MODEL_DIR", "CheckworthyModel", "load_model"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "checkworthy"
_LOADED: dict[str, CheckworthyModel] = {}
_LOAD_LOCK = threading.Lock()


def load_model(folder: str | os.PathLike | None = None, embedder=None) -> CheckworthyModel:
    """The model in folder (default: the one shipped in the package), loaded once per process.
    An `embedder` running the model's encoder (an index's own) is shared, not loaded twice."""
    folder = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
    key = str(folder.resolve())
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = _read(folder)
        model = _LOADED[key]
        if (
            embedder is not None
            and model.embedder is not None
            and embedder.name == model.embedder.name
        ):
            model.embedder = embedder
        return model


def _read(folder: Path) -> CheckworthyModel:
    readers = {head.FORMAT: head.read, fine_tuned.FORMAT: fine_tuned.read}
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise CheckworthyModelError(
            f"{folder} is not a check-worthiness model folder (it has no config.json); give a "
            "folder written by `workbench train-checkworthy`."
        )
    try:
        config = json.loads(config_path.read_text())
    except (OSError, ValueError) as exc:
        raise CheckworthyModelError(
            f"The check-worthiness model in {folder} cannot be read ({exc}); restore the folder."
        ) from exc
    reader = readers.get(config.get("format"))
    if reader is None:
        raise CheckworthyModelError(
            f"{folder} holds a model of format {config.get('format')!r}, not one of "
            f"{', '.join(sorted(readers))}; give a folder written by this version of the "
            "workbench."
        )
    return reader(folder, config)
