"""Measuring verdicts and retrieval against labelled claims (workbench eval)."""
