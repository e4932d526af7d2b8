"""Check-worthiness data readers, metrics, the saved head and eval-checkworthy on real files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.checkworthy.data import (
    LabelledSet,
    debate_folds,
    debate_split,
    read_checkthat,
    read_claimbuster,
)
from workbench.checkworthy.errors import CheckworthyDataError, CheckworthyModelError
from workbench.checkworthy.metrics import best_threshold, positive_class_scores
from workbench.checkworthy.model import DEFAULT_MODEL_DIR, load_model
from workbench.cli.main import main

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "checkworthy"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/checkworthy absent")


def test_checkthat_tsv_keeps_a_leading_quote(tmp_path):
    tsv = tmp_path / "gold.tsv"
    tsv.write_text(
        'Sentence_id\tText\tclass_label\r\n1\t"We cut taxes by 40 percent.\tYes\r\n'
        '2\tThank you.\tNo\r\n3\tHe said "no" twice" today.\tno\r\n',
        encoding="utf-8",
    )
    data = read_checkthat(tsv)
    assert data.texts == [
        '"We cut taxes by 40 percent.',
        "Thank you.",
        'He said "no" twice" today.',
    ]
    assert data.labels == [1, 0, 0]


def test_checkthat_bad_label_is_one_sentence(tmp_path):
    tsv = tmp_path / "gold.tsv"
    tsv.write_text("Sentence_id\tText\tclass_label\n1\tA text.\tMaybe\n", encoding="utf-8")
    with pytest.raises(CheckworthyDataError, match="Line 2 .*Maybe"):
        read_checkthat(tsv)


def test_claimbuster_labels_cfs_only(tmp_path):
    csv_file = tmp_path / "cb.csv"
    csv_file.write_text(
        'Sentence_id,Text,File_id,Verdict\n1,Hello.,d1,-1\n2,"Taxes rose, 3%.",d1,1\n'
        "3,I was there.,d2,0\n",
        encoding="utf-8",
    )
    data = read_claimbuster(csv_file)
    assert data.labels == [0, 1, 0]
    assert data.groups == ["d1", "d1", "d2"]


def test_debate_split_never_splits_a_debate():
    groups = [f"debate{i % 7}" for i in range(700)]
    data = LabelledSet("x", [str(i) for i in range(700)], [i % 2 for i in range(700)], groups)
    train, validation = debate_split(data, 0.2)
    assert sorted(train + validation) == list(range(700))
    assert not {groups[i] for i in train} & {groups[i] for i in validation}
    assert validation and train


def test_debate_folds_keep_debates_whole_and_balance_sizes():
    groups = [f"debate{i % 11}" for i in range(1100)] + ["big"] * 300
    data = LabelledSet("x", [str(i) for i in range(1400)], [i % 2 for i in range(1400)], groups)
    folds = debate_folds(data, 5)
    assert set(folds) == {0, 1, 2, 3, 4}
    for debate in set(groups):
        assert len({f for f, g in zip(folds, groups) if g == debate}) == 1
    sizes = [folds.count(f) for f in range(5)]
    assert max(sizes) == 300 and min(sizes) >= 200  # the big debate alone, the rest near equal
    assert debate_folds(data, 5) == folds  # no seed, no row order
    reordered = LabelledSet("y", data.texts[::-1], data.labels[::-1], groups[::-1])
    assert debate_folds(reordered, 5) == folds[::-1]
    with pytest.raises(CheckworthyDataError, match="too few for 20 folds"):
        debate_folds(data, 20)


def test_positive_class_scores_and_threshold():
    labels = [1, 1, 0, 0]
    scores = np.array([0.9, 0.4, 0.6, 0.1])
    assert positive_class_scores(labels, scores, 0.5) == {
        "f1": 0.5,
        "precision": 0.5,
        "recall": 0.5,
    }
    assert positive_class_scores(labels, scores, 0.35)["recall"] == 1.0
    assert 0.1 < best_threshold(labels, scores) <= 0.4  # both positives in, one false alarm


def test_a_folder_that_is_no_model_is_refused(tmp_path):
    with pytest.raises(CheckworthyModelError, match="config.json"):
        load_model(tmp_path)


def test_shipped_head_is_small_with_a_card():
    files = {p.name: p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir()}
    assert {"config.json", "head.npz", "README.md"} <= set(files)
    assert files["head.npz"] < 600_000
    card = (DEFAULT_MODEL_DIR / "README.md").read_text()
    assert "train-checkworthy" in card and "groundtruth" in card


def test_shipped_model_ranks_a_checkable_fact_above_chatter():
    model = load_model()
    scores = model.score(
        [
            "Unemployment fell from 10 percent to 4.7 percent over the last eight years.",
            "Thank you very much, it is great to be here tonight.",
        ]
    )
    assert scores[0] >= model.threshold > scores[1]


@needs_data
def test_eval_checkworthy_json_has_model_and_baseline_per_set(tmp_path):
    gold = tmp_path / "mine.tsv"
    gold.write_text(
        'Sentence_id\tText\tclass_label\n1\t"The deficit doubled to 1.4 trillion dollars.\tYes\n'
        "2\tI love this country.\tNo\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(
        main, ["eval-checkworthy", "--data", str(DATA), "--gold", str(gold), "--json"]
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    names = [row["set"] for row in report["sets"]]
    assert names == ["claimbuster-groundtruth", "checkthat24-dev-test", "mine"]
    for row in report["sets"]:
        for side in ("model", "baseline"):
            assert set(row[side]) == {"f1", "precision", "recall"}
    groundtruth, dev_test = report["sets"][0], report["sets"][1]
    assert groundtruth["sentences"] == 1032 and dev_test["sentences"] == 318
    assert groundtruth["model"]["f1"] > groundtruth["baseline"]["f1"]


def test_eval_checkworthy_missing_data_is_one_sentence(tmp_path):
    out = CliRunner().invoke(main, ["eval-checkworthy", "--data", str(tmp_path)])
    assert out.exit_code == 1
    assert "does not exist" in out.output and "Traceback" not in out.output
