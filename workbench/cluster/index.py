"""Index building on Ray: workers read, segment and embed files; the driver is the one writer.

Embedding is nearly all of an index build's time (docs/performance.md), so that is what moves
to the workers. Their documents come back with sentences and vectors and go through the same
writer as a plain `index add` (Workbench.add_prepared): the driver classifies each document
(added / updated / unchanged), commits every few hundred sentences into SQLite and mirrors them
in FAISS. The result is an ordinary index, and a killed run keeps what it committed; rerunning
skips the unchanged files.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..api import AddReport, Prepared, ProgressCallback, Workbench
from ..errors import WorkbenchError
from ..indexing import embedding_text
from ..pipeline import ingest
from ..pipeline.embed import Embedder
from ..pipeline.segment import segment
from .session import (
    RaySession,
    import_ray,
    map_on_pool,
    require_readable_everywhere,
    worker_errors,
)

FILES_PER_CALL = 16  # at most this many files per worker call (one embedding call)
CALLS_PER_WORKER = 4  # at least this many calls per worker, so none waits for a straggler


class DocumentPreparer:
    """A Ray Data actor holding the embedding model: files in, segmented + embedded docs out."""

    def __init__(self, model: str, index_dir: str, cwd: str) -> None:
        # document ids are file paths relative to the working directory: the driver's
        os.chdir(cwd)
        self.embedder = Embedder(model)
        _ = self.embedder.dimension  # load the model now: a missing one fails the pool
        self.store = None
        try:  # read-only use: skip embedding files the index already holds unchanged
            from ..storage.store import Store

            self.store = Store(index_dir, create=False)
        except WorkbenchError:
            self.store = None  # a new index, or not visible here: embed everything

    def _known(self, doc: ingest.SourceDocument) -> bool:
        """Whether the index already holds this content (the driver decides for real)."""
        if self.store is None:
            return False
        current = self.store.document_hash(doc.doc_id)
        if current is not None:
            return current == doc.content_hash
        return not doc.explicit_id and self.store.find_by_hash(doc.content_hash) is not None

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = []
        for payload in batch["paths"]:
            files = pickle.loads(payload)
            prepared: list[tuple[str, list]] = []
            todo: list[Prepared] = []
            for path in files:
                items: list = []
                for doc, error in ingest.load_path(Path(os.fsdecode(path))):
                    if doc is None:
                        items.append((None, error))
                    elif self._known(doc):
                        items.append((Prepared(doc), None))
                    else:
                        item = Prepared(doc, segment(doc.text))
                        items.append((item, None))
                        todo.append(item)
                prepared.append((ingest.display_path(os.fsdecode(path)), items))
            texts = [embedding_text(p.doc, s.text) for p in todo for s in p.sentences]
            vectors = self.embedder.encode(texts, progress=False)
            offset = 0
            for item in todo:
                item.vectors = vectors[offset : offset + len(item.sentences)]
                offset += len(item.sentences)
            out.append(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
        return {"prepared": np.array(out, dtype=object)}


def _prepared_stream(
    session: RaySession, files: list[Path], model: str, index_dir: str
) -> Iterator[tuple[str, list]]:
    ray = import_ray()
    per_call = max(1, min(FILES_PER_CALL, -(-len(files) // (CALLS_PER_WORKER * session.workers))))
    groups = [
        pickle.dumps([os.fsencode(f) for f in files[i : i + per_call]])
        for i in range(0, len(files), per_call)
    ]
    rows = ray.data.from_items([{"paths": g} for g in groups], override_num_blocks=len(groups))
    dataset = map_on_pool(
        rows,
        DocumentPreparer,
        session,
        len(groups),
        model=model,
        index_dir=index_dir,
        cwd=os.getcwd(),
    )
    with worker_errors():
        for row in dataset.iter_rows():
            yield from pickle.loads(row["prepared"])


def add_on_ray(
    wb: Workbench,
    paths: list[str | os.PathLike],
    session: RaySession,
    progress: bool = False,
    progress_callback: ProgressCallback | None = None,
) -> AddReport:
    """Like Workbench.add, with reading, segmenting and embedding done by Ray workers."""
    files = list(ingest.iter_files(paths))
    if not files:
        return wb.add(paths, progress=progress, progress_callback=progress_callback)
    visible = [os.getcwd()] + [str(Path(p).resolve()) for p in paths if Path(p).exists()]
    require_readable_everywhere(visible, "the files to index (and the working directory)")
    stream = _prepared_stream(session, files, wb.model_name, str(wb.index_dir.resolve()))
    return wb.add_prepared(
        stream, len(files), progress=progress, progress_callback=progress_callback
    )
