"""The data model on the ground floor: what every stage passes on, importing no stage.

Documents and their sentences (documents.py), dates (dates.py), the one data model for a piece
of evidence (evidence.py) and a claim's check result (results.py), fact-checks
and their matches to a claim (factchecks.py).
"""

from .dates import parse_date, validate_date
from .documents import Sentence, SourceDocument, fallback_title
from .evidence import EVIDENCE_FIELDS, Evidence, Hit, Passage, ReviewedEvidence
from .factchecks import FactCheck, PriorCheck
from .results import CheckResult

__all__ = [
    "EVIDENCE_FIELDS",
    "CheckResult",
    "Evidence",
    "FactCheck",
    "Hit",
    "Passage",
    "PriorCheck",
    "ReviewedEvidence",
    "Sentence",
    "SourceDocument",
    "fallback_title",
    "parse_date",
    "validate_date",
]
