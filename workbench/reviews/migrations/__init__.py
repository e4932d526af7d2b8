"""Numbered migrations of the review tables (their version: schema_versions 'reviews')."""

from . import m001_initial, m002_evidence_context_score

REVIEW_MIGRATIONS = (m001_initial, m002_evidence_context_score)  # append m003_... here
