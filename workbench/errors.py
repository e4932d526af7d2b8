"""The one exception type people see: a single clear sentence, never a traceback."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error meant for people: the message says what went wrong and what to do."""
