"""Errors of the check-worthiness package: one clear sentence each (WorkbenchError subclasses)."""

from __future__ import annotations

from ..errors import WorkbenchError


class CheckworthyError(WorkbenchError):
    """Something about check-worthiness scoring or claim extraction a person must fix."""


class CheckworthyDataError(CheckworthyError):
    """A training or evaluation data file that cannot be read as labelled sentences."""


class CheckworthyModelError(CheckworthyError):
    """A check-worthiness model folder that is missing, incomplete or of another version."""


class NoSentencesError(CheckworthyError):
    """A document that yields no sentences to score (empty, image-only PDF, markup only)."""


class NoClaimsError(CheckworthyError):
    """A document whose sentences all score below the threshold."""


class ArticleTooLargeError(CheckworthyError):
    """A text too large to extract claims from in one go."""
