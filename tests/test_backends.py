"""Model backends (pipeline/backends/): ONNX Runtime against PyTorch, the export cache, choice.

Real models: the bundled all-MiniLM-L6-v2 and a tiny CrossEncoder built in the test; exports go
to a temporary cache folder ($WORKBENCH_ONNX_CACHE) so the test leaves nothing beside the models.
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from workbench import WorkbenchError
from workbench.pipeline import backends
from workbench.pipeline.backends import export, factory
from workbench.pipeline.embed import Embedder
from workbench.pipeline.stance import StanceModel

from .conftest import make_tiny_cross_encoder

TEXTS = [
    "The ceasefire went into effect at 13:00 local time.",
    "Cats sleep a lot.",
    "x",
    "Under the terms of the truce, the local Karabakh forces commit to being disarmed, and "
    "Armenian forces are to withdraw from the region, despite Yerevan denying any presence.",
]
PAIRS = [(text, "Yerevan denies military presence in Karabakh") for text in TEXTS]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(export.CACHE_ENV, str(tmp_path / "onnx-cache"))
    return tmp_path / "onnx-cache"


def test_onnx_embeddings_equal_torch():
    torch_vecs = Embedder(None, backend="torch").encode(TEXTS)
    onnx = Embedder(None, backend="onnx")
    onnx_vecs = onnx.encode(TEXTS)
    assert onnx.runner.name == "onnx" and onnx_vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-5)
    assert np.abs(onnx_vecs - torch_vecs).max() < 1e-4
    # int8 applies to stance only: the index's vectors must stay comparable
    assert Embedder(None, backend="onnx-int8").runner.name == "onnx"


def test_onnx_stance_equals_torch_and_int8_is_close(tiny_stance):
    reference = StanceModel(str(tiny_stance), backend="torch").predict(PAIRS)
    fp32 = StanceModel(str(tiny_stance), backend="onnx")
    assert fp32.runner.name == "onnx"
    assert np.abs(fp32.predict(PAIRS) - reference).max() < 1e-4
    int8 = StanceModel(str(tiny_stance), backend="onnx-int8").predict(PAIRS)
    assert int8.shape == (len(PAIRS), 3) and np.allclose(int8.sum(axis=1), 1.0, atol=1e-5)
    assert np.abs(int8 - reference).max() < 0.2
    assert fp32.predict([]).shape == (0, 3)


def test_export_is_cached_and_follows_the_weights(tmp_path, cache_dir):
    """The second load reuses the file; retrained weights get a new file, the old one goes."""
    folder = make_tiny_cross_encoder(
        tmp_path / "model", {0: "entailment", 1: "neutral", 2: "contradiction"}
    )
    first = StanceModel(str(folder), backend="onnx").runner.path
    stamp = first.stat().st_mtime_ns
    assert StanceModel(str(folder), backend="onnx").runner.path == first
    assert first.stat().st_mtime_ns == stamp and first.parent == cache_dir

    import torch
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.bias += 1.0  # "retrained"
    model.save_pretrained(folder)
    second = StanceModel(str(folder), backend="onnx").runner.path
    assert second != first and second.exists() and not first.exists()


def test_cache_goes_beside_the_model_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(export.CACHE_ENV)
    folder = make_tiny_cross_encoder(
        tmp_path / "models" / "stance", {0: "entailment", 1: "neutral", 2: "contradiction"}
    )
    path = StanceModel(str(folder), backend="onnx").runner.path
    assert path.parent == tmp_path / "models" / export.CACHE_DIR  # the model folder is untouched
    assert not any(p.suffix == ".onnx" for p in folder.rglob("*"))


def test_session_is_made_again_in_a_forked_child(tmp_path):
    """Thread pools do not survive fork(): the crash tests' fork server relies on this."""
    parent = Embedder(None, backend="onnx")
    expected = parent.encode(TEXTS[:2])
    out = tmp_path / "child.npy"
    pid = os.fork()
    if pid == 0:  # the child: embed with the inherited backend, write, leave at once
        code = 1
        try:
            np.save(out, Embedder(None, backend="onnx").encode(TEXTS[:2]))
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child did not finish embedding within 180 s")
    assert os.waitstatus_to_exitcode(status) == 0
    assert np.allclose(np.load(out), expected, atol=1e-6)


def test_choice_by_argument_environment_and_default(monkeypatch):
    monkeypatch.delenv(factory.ENV, raising=False)
    assert backends.resolve(None) == backends.DEFAULT_BACKEND
    assert backends.resolve("TORCH") == "torch"
    monkeypatch.setenv(factory.ENV, "onnx-int8")
    assert backends.resolve(None) == "onnx-int8"
    assert backends.resolve("torch") == "torch"  # the argument wins
    with pytest.raises(WorkbenchError, match="Unknown backend 'cuda'") as info:
        backends.resolve("cuda")
    assert "\n" not in str(info.value)


def test_without_onnxruntime(monkeypatch, capsys):
    """The default falls back to PyTorch with a notice; asking for ONNX says how to install it."""
    monkeypatch.delenv(factory.ENV, raising=False)
    monkeypatch.setattr(factory, "onnx_available", lambda: False)
    monkeypatch.setattr(factory, "_noticed", set())
    assert backends.resolve(None) == "torch"
    assert "pip install onnxruntime" in capsys.readouterr().err
    with pytest.raises(WorkbenchError, match="pip install onnxruntime"):
        backends.resolve("onnx")


def test_a_model_that_cannot_be_exported(tiny_stance, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("unsupported operator\nsecond line")

    monkeypatch.delenv(factory.ENV, raising=False)
    monkeypatch.setattr(export, "build", broken)
    monkeypatch.setattr(factory, "_noticed", set())
    model = StanceModel(str(tiny_stance))  # the default: PyTorch, with a notice
    assert model.runner.name == "torch" and model.predict(PAIRS[:1]).shape == (1, 3)
    assert "could not be exported to ONNX" in capsys.readouterr().err
    with pytest.raises(WorkbenchError, match="use --backend torch") as info:
        StanceModel(str(tiny_stance), backend="onnx")
    assert "\n" not in str(info.value)


def test_threads_follow_torch(monkeypatch):
    import torch

    from workbench.pipeline.backends.onnx import threads

    monkeypatch.delenv("WORKBENCH_THREADS", raising=False)
    assert threads() == torch.get_num_threads()
    monkeypatch.setenv("WORKBENCH_THREADS", "1")
    assert threads() == 1
