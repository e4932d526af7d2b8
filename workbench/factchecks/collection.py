"""The fact-check collection as the Python API offers it: Workbench.factchecks.

wb.factchecks.add(["claimreview.json"])   # import files (ClaimReview, CSV/TSV, CheckThat!)
wb.factchecks.list(limit=20)              # newest first
wb.factchecks.find("a claim")             # earlier fact-checks of it (PriorCheck)
wb.factchecks.remove([3]); wb.factchecks.stats()
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbenchError
from ..model.factchecks import PriorCheck
from .finder import PriorCheckFinder
from .readers import read_factchecks
from .store import StoredFactCheck


@dataclass
class ImportReport:
    """One file's import: how many were added, how many were already there, what was skipped."""

    path: str
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "added": self.added,
            "duplicates": self.duplicates,
            "skipped": len(self.problems),
            "problems": self.problems,
        }


class FactChecks:
    """One index's fact-checks (imported and its own reviews) and matching against them."""

    def __init__(self, db_path: str | os.PathLike, embedder):
        self.finder = PriorCheckFinder(db_path, embedder)
        self.embedder = embedder

    @property
    def store(self):
        """The fact-check tables (WorkbenchError, one sentence, when they cannot be opened)."""
        if self.finder.store is None:
            raise WorkbenchError(self.finder.unavailable)
        return self.finder.store

    def add(self, paths: list[str | os.PathLike]) -> list[ImportReport]:
        """Import each file (FactCheckFileError, one sentence, for a file that cannot be read;
        nothing of it is imported, files before it stay imported)."""
        reports = []
        for path in paths:
            read = read_factchecks(path)
            added, duplicates = self.store.add(
                read.factchecks, str(Path(path)), self.finder.embed, self.embedder.name
            )
            reports.append(ImportReport(read.path, added, duplicates, read.problems))
        return reports

    def list(
        self, limit: int | None = None, text: str | None = None, origin: str | None = None
    ) -> list[StoredFactCheck]:
        self.finder.refresh()  # saved reviews are part of the collection
        return self.store.list(limit, text, origin)

    def remove(self, ids: list[int]) -> list[int]:
        return self.store.remove(ids)

    def stats(self) -> dict:
        self.finder.refresh()
        return self.store.stats()

    def find(self, claim: str) -> list[PriorCheck]:
        """Earlier fact-checks of one claim, best first (those at or above the threshold)."""
        return self.finder.find([claim])[0]
