"""Numbered migrations of the fact-check tables (their version: schema_versions 'factchecks')."""

from . import m001_initial

FACTCHECK_MIGRATIONS = (m001_initial,)  # append m002_... here
