"""Dates as the workbench keeps them: ISO YYYY-MM-DD strings (documents, claims, reviews)."""

from __future__ import annotations

import datetime as dt

from ..errors import WorkbenchError


def parse_date(value: object) -> str | None:
    """Return an ISO date (YYYY-MM-DD) from a date or datetime string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def validate_date(date: str | None) -> str | None:
    """A claim's date given by a person: None when blank, else exactly YYYY-MM-DD."""
    if date is None or not str(date).strip():
        return None
    parsed = parse_date(date)
    if parsed is None or len(str(date).strip()) != 10:
        raise WorkbenchError(f"The date '{date}' is not a valid YYYY-MM-DD date.")
    return parsed
