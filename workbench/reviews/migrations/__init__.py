"""Numbered migrations of the review tables (their version: schema_versions 'reviews')."""

from . import m001_initial

REVIEW_MIGRATIONS = (m001_initial,)  # append m002_... here
