"""ONNX Runtime: the same model exported once to ONNX (export.py), graph-optimised, on the CPU.

About twice PyTorch's speed for MiniLM-sized encoders on a small CPU, with outputs equal to
about 1e-6. The int8 variant (dynamic quantisation) is faster again but changes some stance
labels, so it is only used when asked for (benchmarks/backend_eval.py measures what it costs).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from .base import Backend, features, normalize
from .export import onnx_file

# Sessions inherited through fork(): never freed in the child, since freeing one joins thread
# pool threads that only existed in the parent (that wait never ends).
_INHERITED: list = []


def threads() -> int:
    """Intra-op threads: as many as PyTorch uses (its default: the cores this process may use)."""
    if os.environ.get("WORKBENCH_THREADS"):
        return max(1, int(os.environ["WORKBENCH_THREADS"]))
    try:
        import torch

        return max(1, torch.get_num_threads())
    except ImportError:
        return max(1, len(os.sched_getaffinity(0)))


class Onnx(Backend):
    name = "onnx"
    variant = "fp32"

    def __init__(self, model, kind: str, source: str | os.PathLike | None = None, lock=None):
        super().__init__(model, kind)
        self.path = onnx_file(model, kind, self.variant, source, lock)
        self._session = None
        self._pid = -1
        self._session_lock = threading.Lock()

    @property
    def session(self):
        """The inference session (made again in a forked child: thread pools do not survive)."""
        if self._session is None or self._pid != os.getpid():
            with self._session_lock:
                if self._session is None or self._pid != os.getpid():
                    import onnxruntime as ort

                    if self._session is not None:
                        _INHERITED.append(self._session)

                    options = ort.SessionOptions()
                    options.intra_op_num_threads = threads()
                    options.inter_op_num_threads = 1
                    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                    self._session = ort.InferenceSession(
                        str(self.path), options, providers=["CPUExecutionProvider"]
                    )
                    self._inputs = [i.name for i in self._session.get_inputs()]
                    self._pid = os.getpid()
        return self._session

    def run(self, items: list, batch_size: int = 32) -> np.ndarray:
        session = self.session
        parts = []
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            feats = features(self.model, batch)
            inputs = {n: np.asarray(feats[n].cpu().numpy(), dtype=np.int64) for n in self._inputs}
            out = np.asarray(session.run(None, inputs)[0], dtype=np.float32)
            parts.append(out.reshape(len(batch), -1))
        out = np.vstack(parts)
        return normalize(out) if self.kind == "embed" else out

    def describe(self) -> dict:
        return {"backend": self.name, "file": str(self.path)}


class OnnxInt8(Onnx):
    name = "onnx-int8"
    variant = "int8"
