"""Batch verification on Ray: claims as a Ray Dataset, checked by a pool of model-holding actors.

Only the checking moves: the driver reads the claims file, works out what is left to do and
writes every result through the project's one batch runner and results writer, so the output
file, its resumability and the skipped-claim reports are exactly those of plain `verify`.

Claims travel in the same groups of CHECK_CHUNK that Workbench.check_many scores together: the
stance model's batches (and so every probability) are then identical to a single-process run's.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..api import CheckResult, ProgressCallback
from ..checking import CHECK_CHUNK, with_progress
from ..defaults import TOP_K
from ..errors import WorkbenchError
from ..storage.store import DB_NAME
from .session import (
    RaySession,
    import_ray,
    map_on_pool,
    require_readable_everywhere,
    worker_errors,
)


def require_shared_index(index_dir: str) -> None:
    """Refuse, naming this node, when the index the driver named is not readable here."""
    db = Path(index_dir) / DB_NAME
    if not os.access(db, os.R_OK):
        raise WorkbenchError(
            f"The index {index_dir} is not readable on Ray worker node {socket.gethostname()}; "
            "the index must be on a shared path that every worker sees at the same place "
            "(see README, 'Scaling out on Ray')."
        )


class ClaimChecker:
    """A Ray Data actor: opens the index read-only once, holds both models, checks chunks."""

    def __init__(
        self, index_dir: str, model: str | None, stance_model: str | None, top_k: int
    ) -> None:
        from ..api import Workbench

        require_shared_index(index_dir)
        self.top_k = top_k
        self.wb = Workbench.open(index_dir, model=model, stance_model=stance_model, create=False)
        _ = self.wb.embedder, self.wb.stance  # load both now: a missing model fails the pool

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = []
        for payload in batch["claims"]:
            claims = json.loads(str(payload))
            results = self.wb.check_many(claims, top_k=self.top_k)
            out.append(json.dumps([r.to_dict() for r in results], ensure_ascii=False))
        return {"results": np.array(out, dtype=object)}


class RayChecker:
    """check_many over a Ray actor pool, for the batch runner (run_batch(check_many=...))."""

    def __init__(
        self,
        session: RaySession,
        index_dir: str | os.PathLike,
        model: str | None = None,
        stance_model: str | None = None,
    ) -> None:
        self.session = session
        # workers may run elsewhere: they get absolute paths, valid on every node of a cluster
        # whose index sits on a shared path mounted at the same place
        self.index_dir = str(Path(index_dir).resolve())
        # a model folder named relative to here means the same folder on every node
        self.model = str(Path(model).resolve()) if _is_path(model) else model
        self.stance_model = (
            str(Path(stance_model).resolve()) if _is_path(stance_model) else stance_model
        )

    def check_many(
        self,
        claims: Iterable[dict],
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
        top_k: int = TOP_K,
    ) -> Iterator[CheckResult]:
        """Results for the claims in the order workers finish them (each claim exactly once)."""
        ray = import_ray()
        items = list(claims)
        if not items:
            return
        chunks = [
            json.dumps(items[i : i + CHECK_CHUNK], ensure_ascii=False)
            for i in range(0, len(items), CHECK_CHUNK)
        ]
        require_readable_everywhere([str(Path(self.index_dir) / DB_NAME)], "the index")
        # one chunk per block: results reach the driver (and the file) chunk by chunk
        rows = ray.data.from_items([{"claims": c} for c in chunks], override_num_blocks=len(chunks))
        dataset = map_on_pool(
            rows,
            ClaimChecker,
            self.session,
            len(chunks),
            index_dir=self.index_dir,
            model=self.model,
            stance_model=self.stance_model,
            top_k=top_k,
        )

        def results() -> Iterator[CheckResult]:
            with worker_errors():
                for row in dataset.iter_rows():
                    for record in json.loads(row["results"]):
                        yield CheckResult.from_dict(record)

        yield from with_progress(results(), len(items), progress, progress_callback)


def _is_path(name: str | None) -> bool:
    return bool(name) and Path(str(name)).exists()
