"""Claim fact-checking workbench: index documents offline, check claims against them."""

from .api import AddReport, CheckResult, Evidence, Workbench
from .errors import WorkbenchError
from .retrieve import Hit
from .stance import StanceModel
from .store import Document, DocumentInfo
from .verdict import VERDICTS, VerdictParams

__version__ = "0.1.0"

__all__ = [
    "AddReport",
    "CheckResult",
    "Document",
    "DocumentInfo",
    "Evidence",
    "Hit",
    "StanceModel",
    "VERDICTS",
    "VerdictParams",
    "Workbench",
    "WorkbenchError",
    "__version__",
]
