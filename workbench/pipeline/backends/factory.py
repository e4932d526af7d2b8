"""Picks the backend: by name (--backend), else $WORKBENCH_BACKEND, else the default.

The default is ONNX Runtime (fp32, graph-optimised): its verdicts match PyTorch's
(docs/performance.md). Without onnxruntime installed the default falls back to PyTorch with a
notice; naming an ONNX backend then is an error that says how to install it.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from ...errors import WorkbenchError
from .base import Backend
from .onnx import Onnx, OnnxInt8
from .pytorch import Torch

BACKENDS: dict[str, type[Backend]] = {"torch": Torch, "onnx": Onnx, "onnx-int8": OnnxInt8}
DEFAULT_BACKEND = "onnx"
ENV = "WORKBENCH_BACKEND"
INSTALL = "pip install onnxruntime onnx"
_noticed: set[str] = set()


def notice(message: str) -> None:
    """Say something once per process on stderr (a fallback the user should know about)."""
    if message not in _noticed:
        _noticed.add(message)
        print(message, file=sys.stderr)


def onnx_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx"))


def requested(name: str | None) -> tuple[str, bool]:
    """(backend name, whether the user chose it) from the argument or the environment."""
    chosen = name or os.environ.get(ENV) or None
    value = (chosen or DEFAULT_BACKEND).strip().lower()
    if value not in BACKENDS:
        raise WorkbenchError(
            f"Unknown backend '{value}'; use one of {', '.join(BACKENDS)} (--backend or ${ENV})."
        )
    return value, chosen is not None


def resolve(name: str | None = None) -> str:
    """The backend to use; the default falls back to torch (with a notice) without onnxruntime."""
    value, chosen = requested(name)
    if value != "torch" and not onnx_available():
        if chosen:
            raise WorkbenchError(
                f"The '{value}' backend needs ONNX Runtime; run `{INSTALL}` or use --backend torch."
            )
        notice(f"ONNX Runtime is not installed, so the models run on PyTorch (slower): {INSTALL}.")
        return "torch"
    return value


def create(
    name: str | None, model, kind: str, source: str | os.PathLike | None = None, lock=None
) -> Backend:
    """A backend running `model` (a loaded SentenceTransformer or CrossEncoder).

    The int8 variant applies to stance scores only: embeddings stay float32, so query vectors
    remain comparable with the ones already in an index. A model the exporter cannot handle
    runs on PyTorch with a notice, unless ONNX was asked for by name.
    """
    value = resolve(name)
    if kind == "embed" and value == "onnx-int8":
        value = "onnx"
    if value == "torch":
        return Torch(model, kind)
    try:
        return BACKENDS[value](model, kind, source, lock)
    except WorkbenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - export/runtime failures all mean "use torch"
        if requested(name)[1]:
            raise WorkbenchError(
                f"Could not run the model with ONNX Runtime ({_first_line(exc)}); "
                "use --backend torch."
            ) from exc
        notice(f"This model could not be exported to ONNX ({type(exc).__name__}); using PyTorch.")
        return Torch(model, kind)


def _first_line(exc: Exception) -> str:
    text = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
