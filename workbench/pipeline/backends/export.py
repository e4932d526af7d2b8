"""Builds a model's ONNX file once, offline, from the weights already loaded in memory.

Export (torch.onnx), graph optimisation (onnxruntime.transformers: fused attention, layer norm
and GELU for BERT-like encoders) and, for the int8 variant, dynamic quantisation
(onnxruntime.quantization) run on first use. The file goes to a cache folder beside the model
(`.onnx-cache/` next to its folder; never committed), named by a hash of the weights, so a
retrained model gets a new file and the old one is removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .base import features

RECIPE = 2  # bump when the export recipe changes: older cache files are then rebuilt
CACHE_DIR = ".onnx-cache"
CACHE_ENV = "WORKBENCH_ONNX_CACHE"  # overrides where the files go
OPSET = 17
FUSABLE = {"bert", "roberta", "xlm-roberta", "distilbert", "electra", "camembert"}
TOLERANCE = 1e-3  # largest output difference a graph optimisation may make (else: unfused)
_PROBE_TEXTS = [
    "A short probe sentence.",
    "Another, somewhat longer sentence that the exporter traces through the whole model.",
]


def cache_root(source: str | os.PathLike | None) -> Path:
    """Where exports go: $WORKBENCH_ONNX_CACHE, else beside the model folder, else ~/.cache."""
    candidates = []
    if os.environ.get(CACHE_ENV):
        candidates.append(Path(os.environ[CACHE_ENV]))
    elif source is not None and Path(source).is_dir():
        candidates.append(Path(source).resolve().parent / CACHE_DIR)
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    candidates.append(Path(home) / "workbench" / "onnx")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return candidates[-1]


def fingerprint(model, kind: str, variant: str) -> str:
    """Hash of the weights, the recipe and the library versions: the cache file's identity."""
    import onnxruntime
    import torch

    digest = hashlib.blake2b(digest_size=10)
    digest.update(
        f"{RECIPE}|{kind}|{variant}|{torch.__version__}|{onnxruntime.__version__}".encode()
    )
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(str(tuple(tensor.shape)).encode())
        digest.update(tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy())
    return digest.hexdigest()


def _label(source: str | os.PathLike | None) -> str:
    raw = Path(source).name if source is not None else "model"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", raw) or "model"


def onnx_file(
    model, kind: str, variant: str, source: str | os.PathLike | None, lock: object = None
) -> Path:
    """The cached ONNX file for this model (built now when missing; `lock` guards the model)."""
    root = cache_root(source)
    prefix = f"{_label(source)}-{kind}-{variant}-"
    path = root / f"{prefix}{fingerprint(model, kind, variant)}.onnx"
    if path.exists():
        return path
    with _file_lock(root / f"{prefix}lock"):
        if path.exists():  # another process built it meanwhile
            return path
        if sys.stderr.isatty():
            print(f"Preparing the ONNX model in {path} (first use only) ...", file=sys.stderr)
        _remove_leftovers(root)
        with lock if lock is not None else contextlib.nullcontext():
            build(model, kind, variant, path)
        for old in root.glob(f"{prefix}*.onnx"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    return path


def _remove_leftovers(root: Path, age_s: float = 600.0) -> None:
    """Temp folders of exports whose process was killed (old enough not to be in use)."""
    now = time.time()
    for tmp in root.glob(".export-*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > age_s:
                shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One process at a time builds a given file (others wait, then reuse it)."""
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(model, kind: str, variant: str, path: Path) -> None:
    """Export, optimise (and for int8 quantise) the model into `path`, atomically."""
    with tempfile.TemporaryDirectory(prefix=".export-", dir=path.parent) as tmp:
        raw = Path(tmp) / "raw.onnx"
        wrapper, args, names = _export(model, kind, raw)
        best = _optimise(model, raw, Path(tmp) / "optimised.onnx", wrapper, args, names)
        if variant == "int8":
            best = _quantise(best, Path(tmp) / "int8.onnx")
        os.replace(best, path)


def _wrap(model, output: str, names: list[str], extras: dict):
    """A module view for the exporter: positional tensors in, one model output out."""
    import torch

    class Wrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, *tensors):
            return self.inner({**extras, **dict(zip(names, tensors))})[output]

    return Wrapper().eval()  # eval: the exporter restores this mode on the whole model


def _encoders(model) -> list:
    """The Hugging Face models inside a sentence-transformers model."""
    from transformers import PreTrainedModel

    return [m for m in model.modules() if isinstance(m, PreTrainedModel)]


@contextlib.contextmanager
def _eager_attention(model) -> Iterator[None]:
    """Plain attention ops while exporting (the optimiser fuses those; SDPA it cannot)."""
    changed = []
    for hf in _encoders(model):
        current = getattr(hf.config, "_attn_implementation", None)
        if current not in (None, "eager") and hasattr(hf, "set_attn_implementation"):
            try:
                hf.set_attn_implementation("eager")
                changed.append((hf, current))
            except (ValueError, ImportError):
                pass
    try:
        yield
    finally:
        for hf, previous in changed:
            hf.set_attn_implementation(previous)


def _export(model, kind: str, target: Path) -> tuple[object, tuple, list[str]]:
    import torch

    probe = _PROBE_TEXTS if kind == "embed" else [(t, _PROBE_TEXTS[0]) for t in _PROBE_TEXTS]
    feats = features(model, probe)
    names = [k for k, v in feats.items() if isinstance(v, torch.Tensor)]
    extras = {k: v for k, v in feats.items() if k not in names}
    output = "sentence_embedding" if kind == "embed" else "scores"
    was_training = model.training
    model.eval()
    wrapper = _wrap(model, output, names, extras)
    args = tuple(feats[n] for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    try:
        # The tracer's warnings are about Python branches on shapes that hold for every input.
        with torch.no_grad(), _eager_attention(model), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            options = {
                "input_names": names,
                "output_names": ["output"],
                "dynamic_axes": {**axes, "output": {0: "batch"}},
                "opset_version": OPSET,
            }
            try:  # the TorchScript exporter: quick, and its graphs are what the optimiser fuses
                torch.onnx.export(wrapper, args, str(target), dynamo=False, **options)
            except TypeError:  # a torch without the `dynamo` switch has only that exporter
                torch.onnx.export(wrapper, args, str(target), **options)
    finally:
        model.train(was_training)
    return wrapper, args, names


def _run(path: Path, args: tuple, names: list[str]) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {n: a.cpu().numpy() for n, a in zip(names, args)})[0]


def _optimise(model, raw: Path, target: Path, wrapper, args: tuple, names: list[str]) -> Path:
    """Fuse attention/layer-norm/GELU when the encoder is BERT-like and the outputs agree."""
    import torch

    encoders = _encoders(model)
    config = encoders[0].config if encoders else None
    if config is None or getattr(config, "model_type", None) not in FUSABLE:
        return raw  # ONNX Runtime's own graph optimisations still apply at load time
    from onnxruntime.transformers.optimizer import optimize_model

    try:
        optimised = optimize_model(
            str(raw),
            model_type="bert",
            num_heads=int(config.num_attention_heads),
            hidden_size=int(config.hidden_size),
        )
        optimised.save_model_to_file(str(target))
        with torch.no_grad():
            expected = wrapper(*args).float().cpu().numpy()
        if np.abs(_run(target, args, names) - expected).max() > TOLERANCE:
            return raw
    except Exception:  # noqa: BLE001 - an optimisation that fails falls back to the plain export
        return raw
    return target


def _quantise(source: Path, target: Path) -> Path:
    """Dynamic int8 weights of the plain MatMuls (per channel, reduced range: accurate on CPUs
    without VNNI). A fused attention op stays float32: quantising it too was 23 % faster but cost
    the stance model 1.2 points on the contrast set and 0.6 on FEVER-Symmetric, while this loses
    nothing measurable (docs/reference.md, Backends and quality)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process applies to static quantisation
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)
    return target
