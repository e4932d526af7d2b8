"""The fine-tuned check-worthiness model: its recipe's loop, its folder, and loading it.

A few steps on a handful of sentences stand in for the recipe's two epochs over ClaimBuster: the
folder, the loader and the cross-validation are what is tested, not the model's quality.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.checkworthy import finetune
from workbench.checkworthy.data import CROWDSOURCED, CT24_DEV_TEST, GROUNDTRUTH, LabelledSet
from workbench.checkworthy.errors import CheckworthyModelError
from workbench.checkworthy.fine_tuned import FORMAT, WEIGHTS_FILE, FineTunedModel
from workbench.checkworthy.finetune import FineTuneSettings, length_grouped_batches
from workbench.checkworthy.model import DEFAULT_MODEL_DIR, load_model
from workbench.cli.main import main

FACTS = [
    "Unemployment fell from {n} percent to 4.7 percent in eight years.",
    "The state cut its school budget by {n} million dollars last year.",
    "Crime rose {n} percent in the city since 2010.",
]
CHATTER = [
    "Thank you all for coming tonight, number {n}.",
    "I think we should talk about this together, friend {n}.",
    "Well, let me just say that it is good to be here, {n}.",
]
SETTINGS = FineTuneSettings(epochs=1.0, batch_size=8, max_length=24)


def _tiny_set(per_template: int = 8) -> LabelledSet:
    texts, labels, groups = [], [], []
    for n in range(per_template):
        for template in FACTS:
            texts.append(template.format(n=n + 2))
            labels.append(1)
            groups.append(f"debate{n % 4}")
        for template in CHATTER:
            texts.append(template.format(n=n + 2))
            labels.append(0)
            groups.append(f"debate{n % 4}")
    return LabelledSet("tiny", texts, labels, groups)


@pytest.fixture(scope="module")
def trained():
    data = _tiny_set()
    return data, finetune.train_model(data.texts, data.labels, SETTINGS)


def test_length_grouped_batches_cover_full_batches_once():
    lengths = [(i * 7) % 23 for i in range(1000)]
    batches = length_grouped_batches(lengths, 16, np.random.default_rng(0))
    rows = [i for batch in batches for i in batch]
    assert len(rows) == len(set(rows)) >= 1000 - 16 * 2  # a part-batch per chunk is dropped
    assert all(len(batch) == 16 for batch in batches)
    spread = np.mean([max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches])
    assert spread < 3  # sorted within chunks: a batch pads little


def test_saved_folder_loads_and_scores_as_trained(trained, tmp_path):
    data, scorer = trained
    config = {
        "format": FORMAT,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2",
        "fine_tuning": {"max_length": SETTINGS.max_length, "pooled_scale": SETTINGS.pooled_scale},
        "threshold": 0.5,
    }
    FineTunedModel(config, scorer).save(tmp_path / "cw", "# card\n")
    files = {p.name: p.stat().st_size for p in (tmp_path / "cw").iterdir()}
    assert set(files) == {"config.json", WEIGHTS_FILE, "README.md"}
    assert files[WEIGHTS_FILE] < 23_000_000  # six float16 layers and a head, no embeddings
    loaded = load_model(tmp_path / "cw")
    assert isinstance(loaded, FineTunedModel) and loaded.threshold == 0.5
    np.testing.assert_allclose(loaded.score(data.texts), scorer.score(data.texts), atol=2e-3)
    assert loaded.score([]).shape == (0,)


def test_a_head_folder_rewritten_as_fine_tuned_keeps_no_stale_weights(trained, tmp_path):
    import shutil

    _, scorer = trained
    folder = tmp_path / "cw"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    config = {"format": FORMAT, "encoder": "sentence-transformers/all-MiniLM-L6-v2",
              "fine_tuning": {}, "threshold": 0.5}  # fmt: skip
    FineTunedModel(config, scorer).save(folder, "# card\n")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", WEIGHTS_FILE]
    assert isinstance(load_model(folder), FineTunedModel)
    head = load_model(DEFAULT_MODEL_DIR)
    head.save(folder, "# head card\n")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "head.npz"]


def test_damaged_or_foreign_folders_are_one_sentence(trained, tmp_path):
    _, scorer = trained
    config = {"format": FORMAT, "encoder": "sentence-transformers/all-MiniLM-L6-v2",
              "fine_tuning": {}, "threshold": 0.5}  # fmt: skip
    folder = FineTunedModel(config, scorer).save(tmp_path / "cw", "# card\n")
    (folder / WEIGHTS_FILE).write_bytes(b"not a tensor file")
    with pytest.raises(CheckworthyModelError, match="damaged, restore it"):
        load_model(folder)
    (folder / WEIGHTS_FILE).unlink()
    with pytest.raises(CheckworthyModelError, match=f"no {WEIGHTS_FILE}"):
        load_model(folder)
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.json").write_text(json.dumps(config | {"encoder": "bert-base-uncased"}))
    with pytest.raises(CheckworthyModelError, match="bundled MiniLM"):
        load_model(other)
    (other / "config.json").write_text(json.dumps({"format": "something/9", "threshold": 0.5}))
    with pytest.raises(CheckworthyModelError, match="format 'something/9'"):
        load_model(other)


def test_cross_validated_threshold_pools_folds_and_resumes(tmp_path, monkeypatch):
    data = _tiny_set(per_template=4)
    lines: list[str] = []
    figures = finetune.cross_validated_threshold(data, SETTINGS, 2, lines.append, tmp_path)
    assert figures["folds"] == 2 and figures["rows"] == len(data) and figures["debates"] == 4
    assert 0.05 <= figures["threshold"] <= 0.95
    assert set(figures["out_of_fold"]) == {"f1", "precision", "recall"}
    assert sum("training on" in line for line in lines) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fold0-of-2.npz", "fold1-of-2.npz"]

    def no_training(*args, **kwargs):
        raise AssertionError("a kept fold was trained again")

    monkeypatch.setattr(finetune, "train_model", no_training)
    assert finetune.cross_validated_threshold(data, SETTINGS, 2, None, tmp_path) == figures


def _write_data_folder(root, data: LabelledSet) -> None:
    """A folder laid out like ../shared/data/checkworthy, with the tiny set in every file."""
    header = "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,"
    header += "Sentiment,Verdict\n"
    rows = [
        f'{i},"{text}",A,,,{group},{len(text)},{i},0,{1 if label else -1}\n'
        for i, (text, label, group) in enumerate(zip(data.texts, data.labels, data.groups))
    ]
    for name in (CROWDSOURCED, GROUNDTRUTH):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(header + "".join(rows), encoding="utf-8")
    (root / CT24_DEV_TEST).parent.mkdir(parents=True, exist_ok=True)
    pairs = enumerate(zip(data.texts, data.labels))
    lines = [f"{i}\t{text}\t{'Yes' if label else 'No'}" for i, (text, label) in pairs]
    (root / CT24_DEV_TEST).write_text("Sentence_id\tText\tclass_label\n" + "\n".join(lines))


def test_train_checkworthy_fine_tune_writes_a_loadable_folder_with_a_card(tmp_path, monkeypatch):
    data = _tiny_set(per_template=10)
    groups = [f"debate{i % 5}" for i in range(len(data))]  # five debates for five folds
    _write_data_folder(tmp_path / "data", LabelledSet("tiny", data.texts, data.labels, groups))
    monkeypatch.setattr(finetune, "FineTuneSettings", lambda: SETTINGS)
    out = tmp_path / "model"
    result = CliRunner().invoke(
        main,
        ["train-checkworthy", "--data", str(tmp_path / "data"), "--out", str(out),
         "--recipe", "fine-tune", "--scratch", str(tmp_path / "scratch")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["training"]["folds"] == 5 and report["training"]["rows"] == len(data)
    assert len(list((tmp_path / "scratch").iterdir())) == 5
    config = json.loads((out / "config.json").read_text())
    assert config["format"] == FORMAT and config["threshold"] == report["training"]["threshold"]
    card = (out / "README.md").read_text()
    assert "fine-tuned" in card and "out-of-fold" in card and "--recipe fine-tune" in card
    model = load_model(out)
    assert model.score(data.texts[:3]).shape == (3,)


def test_kept_fold_scores_are_not_reused_when_the_data_changes(tmp_path, monkeypatch):
    data = _tiny_set(per_template=4)
    finetune.cross_validated_threshold(data, SETTINGS, 2, None, tmp_path)
    relabelled = LabelledSet("tiny", data.texts, [1 - y for y in data.labels], data.groups)
    trained: list[int] = []
    real = finetune.train_model

    def counting(*args, **kwargs):
        trained.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(finetune, "train_model", counting)
    finetune.cross_validated_threshold(relabelled, SETTINGS, 2, None, tmp_path)
    assert len(trained) == 2  # both folds trained again: their kept scores were for other labels
