"""One reader per file format, registered by suffix: adding a format is one module here.

Every module of this folder is imported, so each registers its suffixes (see base.py).
"""

import importlib
import pkgutil

from .base import READERS, Pair, Reader, document_reader, reader

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

SUPPORTED_SUFFIXES = frozenset(READERS)

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "Pair", "Reader", "document_reader", "reader"]
