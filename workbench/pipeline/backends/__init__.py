"""How a loaded sentence-transformers model is run: PyTorch or ONNX Runtime, txtai style.

A tiny base class (base.Backend), one module per backend (pytorch, onnx; onnx builds its model
files with export.py) and a factory that picks one by name, with automatic defaults.
"""

from .base import Backend
from .factory import BACKENDS, DEFAULT_BACKEND, create, resolve

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "Backend", "create", "resolve"]
