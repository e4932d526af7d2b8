"""Shared fixtures: the real bundled embedding model (loaded once), a seed index built once,
and a tiny randomly-initialised 3-label CrossEncoder for testing the stance loading code."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "index" / "sources"
SEED_FILE = next(SEED_DIR.glob("*.txt"))
SEED_CLAIM = "Yerevan denies military presence in Karabakh"
YEREVAN_TAIL = "despite Yerevan denying any military presence there."


def make_tiny_cross_encoder(
    folder: Path, id2label: dict[int, str], dtype: str = "float16", num_labels: int | None = None
) -> Path:
    """Save a tiny random BertForSequenceClassification + the bundled MiniLM tokenizer."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from workbench.pipeline.embed import default_model_path

    tokenizer = AutoTokenizer.from_pretrained(default_model_path())
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        num_labels=num_labels or len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    if dtype == "float16":
        model = model.half()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def embedder():
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    from workbench.pipeline.embed import Embedder

    model = Embedder(None)
    _ = model.model
    return model


@pytest.fixture(scope="session")
def tiny_stance(tmp_path_factory) -> Path:
    """A tiny 3-label NLI-style CrossEncoder folder (labels in MNLI order, fp16 weights)."""
    folder = tmp_path_factory.mktemp("tiny_stance")
    return make_tiny_cross_encoder(folder, {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"})


@pytest.fixture(scope="session")
def seed_index_master(tmp_path_factory, embedder) -> Path:
    """An index of the default corpus, built once; copy it before changing it."""
    from workbench import Workbench

    folder = tmp_path_factory.mktemp("seed_index")
    with Workbench.open(folder) as wb:
        report = wb.add([SEED_DIR])
    assert len(report.added) == 1 and not report.errors
    return folder


@pytest.fixture
def seed_index(seed_index_master, tmp_path) -> Path:
    """A private copy of the seed index for one test."""
    target = tmp_path / "index"
    shutil.copytree(seed_index_master, target)
    return target


@pytest.fixture
def shipped_stance_model() -> Path:
    """The stance model shipped in workbench/models/stance/ (skipped, visibly, until it exists)."""
    from workbench.pipeline.stance import DEFAULT_STANCE_PATH

    if not (DEFAULT_STANCE_PATH / "config.json").exists():
        pytest.skip(
            f"no shipped stance model yet at {DEFAULT_STANCE_PATH} "
            "(the stance-model issue ships it)"
        )
    return DEFAULT_STANCE_PATH


def reviewer_app(index: Path, stance_model: Path):
    """The UI's ReviewerApp over an index, as app.py builds it (handlers are called directly)."""
    from workbench import Workbench
    from workbench.ui.app import ReviewerApp

    wb = Workbench.open(index, stance_model=str(stance_model), create=False)
    return ReviewerApp(wb, index)


@pytest.fixture
def app(seed_index, tiny_stance):
    """A ReviewerApp on a private seed index with the tiny stance model."""
    ui = reviewer_app(seed_index, tiny_stance)
    yield ui
    ui.wb.close()


def no_progress(*args, **kwargs) -> None:
    """A progress callback that shows nothing."""
    return None
