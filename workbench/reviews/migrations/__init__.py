"""Numbered migrations of the review tables (their version: schema_versions 'reviews')."""

from . import m001_initial, m002_evidence_context_score, m003_publisher_stance_override

REVIEW_MIGRATIONS = (
    m001_initial,
    m002_evidence_context_score,
    m003_publisher_stance_override,
)  # append m004_... here
