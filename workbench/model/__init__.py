"""The data model on the ground floor: what every stage passes on, importing no stage.

Documents and their sentences (documents.py), dates (dates.py), the one data model for a piece
of evidence (evidence.py) and a claim's check result (results.py).
"""

from .dates import parse_date, validate_date
from .documents import Sentence, SourceDocument, fallback_title
from .evidence import EVIDENCE_FIELDS, Evidence, Hit, Passage, ReviewedEvidence
from .results import CheckResult

__all__ = [
    "EVIDENCE_FIELDS",
    "CheckResult",
    "Evidence",
    "Hit",
    "Passage",
    "ReviewedEvidence",
    "Sentence",
    "SourceDocument",
    "fallback_title",
    "parse_date",
    "validate_date",
]
