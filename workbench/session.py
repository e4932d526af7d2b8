"""An open index: its store, its embedding and stance models, its verdict parameters.

Workbench (api.py) adds the verbs; this is what they share: opening refuses a model other than
the index's, models load on first use by one thread, and the index keeps its own thresholds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from . import indexing
from .factchecks.collection import FactChecks
from .pipeline.embed import Embedder
from .pipeline.stance import StanceModel
from .pipeline.verdict import DEFAULT_PARAMS, VerdictParams
from .storage.store import Store


class Session:
    """An open index plus its models (each loaded on first use) and verdict parameters."""

    def __init__(
        self,
        store: Store,
        model: str,
        stance_model: str | None = None,
        params: VerdictParams = DEFAULT_PARAMS,
        backend: str | None = None,
    ):
        self.store = store
        self.model_name = model
        self.stance_model_name = stance_model
        self.params = params
        self.backend = backend  # None: $WORKBENCH_BACKEND, else the default (pipeline/backends)
        self._embedder: Embedder | None = None
        self._stance: StanceModel | None = None
        self._factchecks: FactChecks | None = None
        self._load_lock = threading.Lock()  # models are loaded once, by one thread

    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike = "index",
        model: str | None = None,
        stance_model: str | None = None,
        create: bool = True,
        params: VerdictParams | None = None,
        backend: str | None = None,
    ) -> Session:
        """Open (or create) the index in index_dir; WorkbenchError with one sentence if not.

        model: embedding model name or folder; None = the index's own (all-MiniLM-L6-v2 for a
        new index); another model than a non-empty index's is an error. stance_model:
        CrossEncoder name or folder; None = workbench/models/stance/. params: verdict
        thresholds; None = those saved in the index, else the defaults. backend: "torch",
        "onnx" or "onnx-int8"; None = $WORKBENCH_BACKEND, else ONNX Runtime.
        """
        store, name, params = indexing.open_index(index_dir, model, create, params, backend)
        return cls(store, name, str(stance_model) if stance_model else None, params, backend)

    def save_params(self, params: VerdictParams, provenance: dict | None = None) -> None:
        """Make params this index's verdict thresholds (kept in its database) and use them.

        provenance says where they came from (e.g. the tuning run); it is shown by stats().
        """
        self.params = indexing.save_params(self.store, params, provenance)

    def reset_params(self) -> None:
        """Forget this index's saved thresholds and use the built-in defaults again."""
        self.store.set_setting(indexing.PARAMS_SETTING, None)
        self.params = DEFAULT_PARAMS

    def close(self) -> None:
        with self.store.writing():  # waits for a running add/remove to finish
            self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def index_dir(self) -> Path:
        return self.store.dir

    @property
    def db_path(self) -> Path:
        """The SQLite file; other modules (e.g. reviews) may keep their own tables in it."""
        return self.store.db_path

    def _loaded(self, attr: str, load: Callable[[], object]):
        """A model loaded on first use, by one thread."""
        if getattr(self, attr) is None:
            with self._load_lock:
                if getattr(self, attr) is None:
                    setattr(self, attr, load())
        return getattr(self, attr)

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use and checked against the index dimension."""
        return self._loaded(
            "_embedder", lambda: indexing.open_embedder(self.store, self.model_name, self.backend)
        )

    @property
    def stance(self) -> StanceModel:
        """The stance model, loaded on first use (WorkbenchError when none is installed)."""
        return self._loaded(
            "_stance", lambda: StanceModel(self.stance_model_name, backend=self.backend)
        )

    @property
    def factchecks(self) -> FactChecks:
        """The index's fact-check collection (imported fact-checks and its saved reviews)."""
        embedder = self.embedder  # loaded first: _loaded's lock is not re-entrant
        return self._loaded("_factchecks", lambda: FactChecks(self.db_path, embedder))
