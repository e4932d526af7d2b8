"""Claim fact-checking workbench: index documents offline, check claims against them."""

from .api import AddReport, CheckResult, Workbench
from .errors import WorkbenchError
from .model import Evidence, Hit
from .pipeline.stance import StanceModel
from .pipeline.verdict import VERDICTS, VerdictParams
from .storage.store import Document, DocumentInfo

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
