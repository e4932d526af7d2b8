"""The evaluation harness (workbench/evaluation/, `workbench eval`) on tiny hand-made data."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.errors import WorkbenchError
from workbench.evaluation import datasets, thresholds
from workbench.evaluation.metrics import summarize
from workbench.evaluation.outcomes import Outcome
from workbench.pipeline.verdict import DEFAULT_PARAMS, VerdictParams

from .conftest import ROOT

CLAIMS = ROOT / "claims" / "karabakh.csv"


def _ev(article, text, label, position):
    return {
        "evidence_id": f"{article}:{position}",
        "evidence_label": label,
        "article": article,
        "evidence": text,
        "entropy": 0.0,
        "votes": [label],
    }


MINI = [
    {
        "claim_id": "0",
        "claim": "Sea levels are rising because the oceans are warming.",
        "claim_label": "SUPPORTS",
        "evidences": [
            _ev("Sea level rise", "Sea level has risen by about 20 cm since 1900.", "SUPPORTS", 3),
            _ev("Sea level rise", "Warming water expands, which raises the sea.", "SUPPORTS", 1),
            _ev("Glacier", "Glaciers are made of ice.", "NOT_ENOUGH_INFO", 0),
        ],
    },
    {
        "claim_id": "7",
        "claim": "Glaciers are growing everywhere.",
        "claim_label": "REFUTES",
        "evidences": [
            _ev(
                "Glacier", "Most glaciers worldwide have been retreating since 1850.", "REFUTES", 5
            ),
            _ev("Glacier", "Glaciers are made of ice.", "NOT_ENOUGH_INFO", 0),
        ],
    },
    {
        "claim_id": "12",
        "claim": "The climate has always changed.",
        "claim_label": "DISPUTED",
        "evidences": [
            _ev("Climate", "Earth's climate has varied over geological time.", "SUPPORTS", 2)
        ],
    },
    {
        "claim_id": "13",
        "claim": "Volcanoes emit more CO2 than people.",
        "claim_label": "NOT_ENOUGH_INFO",
        "evidences": [_ev("Glacier", "Glaciers are made of ice.", "NOT_ENOUGH_INFO", 0)],
    },
]


@pytest.fixture
def mini_file(tmp_path):
    path = tmp_path / "climate-fever.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in MINI), encoding="utf-8")
    return path


def test_labels_are_mapped_onto_verdicts():
    assert datasets.normalize_label("SUPPORTS") == "SUPPORTED"
    assert datasets.normalize_label(" refuted ") == "REFUTED"
    assert datasets.normalize_label("NOT ENOUGH INFO") == "NOT_ENOUGH_INFO"
    assert datasets.normalize_label("not-enough-info") == "NOT_ENOUGH_INFO"
    assert datasets.normalize_label("DISPUTED") == "CONFLICTING"
    assert datasets.normalize_label("maybe") is None and datasets.normalize_label(None) is None


def test_climate_fever_corpus_is_pooled_per_article(mini_file):
    claims, corpus = datasets.load_climate_fever(mini_file)
    assert [c.id for c in claims] == ["0", "7", "12", "13"]
    assert [c.split for c in claims] == ["dev", "test", "dev", "test"]
    assert [c.label for c in claims] == ["SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"]
    # the shared NEI sentence is stored once; sentences keep their article order
    assert corpus.n_sentences == 5 and len(corpus.records) == 3
    glacier = next(r for r in corpus.records if r["title"] == "Glacier")
    assert glacier["text"] == (
        "Glaciers are made of ice.\n\nMost glaciers worldwide have been retreating since 1850."
    )
    assert glacier["id"] == "climate-fever:Glacier"
    # only SUPPORTS / REFUTES sentences are gold evidence
    assert len(claims[0].evidence) == 2 and len(claims[1].evidence) == 1
    assert claims[3].evidence == []
    # a character offset inside a sentence maps back to that sentence's key
    second = glacier["text"].index("Most")
    assert corpus.key_at(glacier["id"], second + 3) == claims[1].evidence[0]
    assert corpus.key_at(glacier["id"], 0) != claims[1].evidence[0]
    assert corpus.key_at("no such doc", 0) is None


def test_claims_file_with_labels(tmp_path):
    claims = datasets.load_claims_file(CLAIMS)
    assert len(claims) == 28 and claims[0].id == "k01" and claims[0].label == "SUPPORTED"
    assert {c.label for c in claims} == {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a", "claim": "X is Y.", "label": "SUPPORTS", "evidence": ["X is Y!"]})
        + "\n"
        + json.dumps({"claim": "Z.", "label": "not enough info"})
        + "\n"
    )
    a, b = datasets.load_claims_file(jsonl)
    assert (a.id, a.label, a.evidence) == ("a", "SUPPORTED", ["x is y!"])
    assert (b.id, b.label, b.evidence) == ("2", "NOT_ENOUGH_INFO", [])
    bad = tmp_path / "bad.csv"
    bad.write_text("id,claim,label\n1,Something.,probably\n")
    with pytest.raises(WorkbenchError, match="label 'probably'"):
        datasets.load_claims_file(bad)
    unlabelled = tmp_path / "u.csv"
    unlabelled.write_text("id,claim\n1,Something.\n")
    with pytest.raises(WorkbenchError, match="no 'label' column"):
        datasets.load_claims_file(unlabelled)


def test_claims_file_is_read_once_so_rows_keep_their_labels(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("id,claim,label\n,First claim.,SUPPORTED\n,,\n,Second claim.,REFUTED\n")
    claims = datasets.load_claims_file(path)
    assert [(c.id, c.claim, c.label) for c in claims] == [
        ("1", "First claim.", "SUPPORTED"),
        ("2", "Second claim.", "REFUTED"),
    ]


def test_a_bad_jsonl_line_is_one_sentence(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "claim": "X.", "label": "SUPPORTED"}\n{"id": "b", "claim": \n')
    with pytest.raises(WorkbenchError, match=r"^Line 2 of .*bad.jsonl is not valid JSON"):
        datasets.load_claims_file(path)


def test_text_matcher_accepts_pieces_of_gold_sentences():
    gold = datasets.gold_evidence("The Nile is the longest river in Africa.||Paris is big.")
    match = datasets.text_matcher(gold)
    assert match("The  Nile is the longest river in Africa.") == gold[0]
    assert match("the Nile is the longest river") == gold[0]  # a split-off piece
    assert match("Paris") is None  # too short to count as a piece
    assert match("Rome is old.") is None


def _outcome(i, gold, verdict, conf, split="test", probs=(), cosines=(), retrieved=(), rel=()):
    return Outcome(
        str(i), gold, verdict, conf, split, list(retrieved), list(rel), list(probs), list(cosines)
    )


def test_summarize_hand_computed():
    outcomes = [
        _outcome(1, "SUPPORTED", "SUPPORTED", 0.9, retrieved=["a", "x", "b"], rel=["a", "b"]),
        _outcome(2, "REFUTED", "SUPPORTED", 0.8, retrieved=["x"] * 10, rel=["c"]),
        _outcome(3, "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO", 0.6),
        _outcome(4, "CONFLICTING", "CONFLICTING", 0.7),
        _outcome(5, "NOT_ENOUGH_INFO", "CONFLICTING", 0.5),
    ]
    report = summarize(outcomes)
    assert report["n"] == 5 and report["n_scored"] == 4 and report["n_with_evidence"] == 2
    assert report["evidence_recall_at_5"] == 0.5  # claim 1 finds both, claim 2 none
    assert report["accuracy"] == 0.5  # claims 1 and 3 of the four 3-way claims
    # F1: SUPPORTED 2/3, REFUTED 0, NEI 2*1/(2+0+1) = 2/3
    assert report["macro_f1"] == pytest.approx(round((2 / 3 + 0 + 2 / 3) / 3, 4))
    assert report["labels"] == ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO", "CONFLICTING"]
    assert report["confusion_matrix"] == [
        [1, 0, 0, 0],
        [1, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 0, 0, 1],
    ]
    assert report["conflicting"]["n_gold"] == 1 and report["conflicting"]["recall"] == 1.0
    assert report["conflicting"]["precision"] == 0.5
    # ECE over the 4 scored claims: bins (0.8,0.9] 0.1, (0.7,0.8] 0.8, (0.5,0.6] 0.4, (0.4,0.5] 0.5
    assert report["ece"] == pytest.approx((0.1 + 0.8 + 0.4 + 0.5) / 4, abs=1e-4)


def test_tuning_finds_the_threshold_and_redecide_matches_decide():
    # support strength 0.6 for SUPPORTED claims, 0.4 (on the refute side) for NEI claims
    dev = []
    for i in range(6):
        dev.append(_outcome(i, "SUPPORTED", "-", 0, "dev", [(0.6, 0.0, 0.4)], [0.9]))
        dev.append(_outcome(10 + i, "NOT_ENOUGH_INFO", "-", 0, "dev", [(0.0, 0.4, 0.6)], [0.9]))
    grid = thresholds.Grid(min_relevance=(0.3,), full_relevance=(0.6,), decide=(0.3, 0.5, 0.7))
    params, value = thresholds.tune(dev, grid)
    assert params.decide == 0.5 and value["macro_f1"] == pytest.approx(2 / 3, abs=1e-4)
    redone = thresholds.redecide(dev, params)
    assert {o.verdict for o in redone if o.gold == "SUPPORTED"} == {"SUPPORTED"}
    assert {o.verdict for o in redone if o.gold == "NOT_ENOUGH_INFO"} == {"NOT_ENOUGH_INFO"}
    assert thresholds.redecide(dev, DEFAULT_PARAMS)[0].verdict == "SUPPORTED"


def test_vectorised_tuning_agrees_with_decide():
    """tune() scores every grid point without calling decide(); its best score must be what
    decide() gives with the chosen params."""
    import numpy as np

    from workbench.evaluation import metrics

    rng = np.random.default_rng(3)
    labels = ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"]
    dev = []
    for i in range(60):
        k = int(rng.integers(0, 6))
        probs = [tuple(p) for p in rng.dirichlet([1, 1, 1], k).tolist()]
        cosines = rng.uniform(0, 1, k).tolist()
        dev.append(_outcome(i, labels[i % 3], "-", 0, "dev", probs, cosines))
    best, value = thresholds.tune(dev)
    assert isinstance(best, VerdictParams) and best.min_relevance < best.full_relevance
    redone = thresholds.redecide(dev, best)
    gold, pred = [o.gold for o in redone], [o.verdict for o in redone]
    assert metrics.macro_f1(gold, pred, labels) == pytest.approx(value["macro_f1"], abs=1e-4)
    assert value["macro_f1"] > 1 / 3


@pytest.mark.slow
def test_eval_cli_on_claims_file_and_mini_climate_fever(
    seed_index, tiny_stance, mini_file, tmp_path
):
    from workbench.cli import main

    runner = CliRunner()
    on_seed = ["eval", "--claims", str(CLAIMS), "--index", str(seed_index)]
    on_seed += ["--stance-model", str(tiny_stance), "--quiet"]
    out = runner.invoke(main, [*on_seed, "--json", "--limit", "6"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["n"] == 6 and report["n_scored"] == 6
    for key in ("accuracy", "macro_f1", "ece", "confusion_matrix", "evidence_recall_at_5"):
        assert key in report
    assert sum(map(sum, report["confusion_matrix"])) == 6
    text = runner.invoke(main, [*on_seed, "--limit", "2"], catch_exceptions=False)
    assert "accuracy" in text.stdout and "Confusion matrix" in text.stdout

    ix = tmp_path / "cf"
    args = [
        "eval",
        "--dataset",
        "climate-fever",
        "--data",
        str(mini_file),
        "--index",
        str(ix),
        "--stance-model",
        str(tiny_stance),
        "--json",
        "--quiet",
        "--tune",
    ]
    out = runner.invoke(main, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["corpus_sentences"] == 5 and report["indexed_sentences"] == 5
    assert report["n"] == 4 and report["n_with_evidence"] == 3  # DISPUTED 12 has one too
    assert report["dev"]["n"] == 2 and report["test"]["n"] == 2
    # a five-sentence corpus: the top 10 holds every sentence, so recall@10 is complete
    assert report["evidence_recall_at_10"] == 1.0
    assert report["tuning"]["tuned_on"] == "dev" and "test" in report["tuning"]
    again = runner.invoke(main, args, catch_exceptions=False)  # the index is reused
    assert json.loads(again.stdout)["index_added_documents"] == 0

    usage = runner.invoke(main, ["eval", "--dataset", "climate-fever"])
    assert usage.exit_code == 2 and "--data" in usage.output


@pytest.mark.slow
def test_tuned_thresholds_are_saved_in_the_index_and_used(seed_index, tiny_stance):
    from workbench import Workbench
    from workbench.cli import main

    runner = CliRunner()
    base = ["--index", str(seed_index), "--stance-model", str(tiny_stance), "--quiet"]
    out = runner.invoke(
        main,
        ["eval", "--claims", str(CLAIMS), *base, "--json", "--limit", "8", "--tune"],
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["dev"]["n"] == 4 and report["test"]["n"] == 4  # alternate rows
    assert "saved_to" not in report["tuning"]  # --tune alone changes nothing
    with Workbench.open(seed_index, create=False) as wb:
        assert wb.stats()["verdict_params"]["source"] == "built-in defaults"

    out = runner.invoke(
        main,
        ["eval", "--claims", str(CLAIMS), *base, "--limit", "8", "--tune", "--save-params"],
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    assert "Saved as the verdict thresholds of" in out.stdout
    assert "test, before tuning: accuracy" in out.stdout
    shown = runner.invoke(main, ["index", "params", "--index", str(seed_index), "--json"])
    saved = json.loads(shown.stdout)
    assert saved["source"] == "saved in the index"
    assert "claims file" in saved["provenance"]["tuned_on"]
    tuned = {k: saved[k] for k in ("min_relevance", "full_relevance", "decide", "conflict")}
    assert tuned == report["tuning"]["params"]  # same outcomes, same tuning
    with Workbench.open(seed_index, create=False) as wb:  # a later open uses them
        assert wb.params.to_dict() == tuned

    reset = runner.invoke(main, ["index", "params", "--index", str(seed_index), "--reset"])
    assert reset.exit_code == 0 and "built-in defaults" in reset.stdout

    where = ["--index", str(seed_index)]
    hand = runner.invoke(main, ["index", "params", *where, "--set", "decide=0.65", "--json"])
    assert hand.exit_code == 0, hand.output
    assert json.loads(hand.stdout)["decide"] == 0.65
    assert json.loads(hand.stdout)["provenance"] == {"set_by": "workbench index params --set"}
    for bad, message in (
        ("colour=1", "NAME=VALUE"),
        ("decide", "NAME=VALUE"),
        ("decide=x", "non-number"),
    ):
        out = runner.invoke(main, ["index", "params", *where, "--set", bad])
        assert out.exit_code == 1 and message in out.output and "Traceback" not in out.output
    with Workbench.open(seed_index, create=False) as wb:
        assert wb.params.decide == 0.65  # bad --set values changed nothing
        wb.reset_params()
    lone = runner.invoke(main, ["eval", "--claims", str(CLAIMS), *base, "--save-params"])
    assert lone.exit_code == 1 and "--save-params needs --tune" in lone.output


def _overconfident_outcomes(n: int = 40) -> list[Outcome]:
    """NOT_ENOUGH_INFO said with raw confidence 0.9 but right a third of the time, and
    SUPPORTED said with 0.56 but right nine times in ten; dev and test alternate."""
    outcomes = []
    for i in range(n):
        split = "dev" if i % 2 == 0 else "test"
        gold = "NOT_ENOUGH_INFO" if i % 3 == 0 else "SUPPORTED"
        outcomes.append(_outcome(i, gold, "-", 0, split, [(0.1, 0.0, 0.9)], [0.9]))
        gold = "REFUTED" if i % 20 in (0, 1) else "SUPPORTED"
        outcomes.append(_outcome(100 + i, gold, "-", 0, split, [(0.8, 0.1, 0.1)], [0.9]))
    return outcomes


def test_confidence_calibration_makes_confidence_match_accuracy():
    from workbench.evaluation.calibration import fit_calibration
    from workbench.pipeline.verdict import calibrate

    raw = thresholds.redecide(_overconfident_outcomes(), DEFAULT_PARAMS)
    assert {(o.verdict, round(o.confidence, 4)) for o in raw} == {
        ("NOT_ENOUGH_INFO", 0.9),
        ("SUPPORTED", 0.76),
    }
    before = summarize(raw)["ece"]
    params = fit_calibration(raw, DEFAULT_PARAMS)
    assert [v for v, _, _ in params.calibration] == ["NOT_ENOUGH_INFO", "SUPPORTED"]
    assert params.thresholds() == DEFAULT_PARAMS.thresholds()  # thresholds untouched
    calibrated = thresholds.redecide(raw, params)
    assert [o.verdict for o in calibrated] == [o.verdict for o in raw]  # same verdicts
    nei = {o.confidence for o in calibrated if o.verdict == "NOT_ENOUGH_INFO"}
    sup = {o.confidence for o in calibrated if o.verdict == "SUPPORTED"}
    assert len(nei) == 1 and abs(nei.pop() - 1 / 3) < 0.05  # 0.9 -> about a third
    assert len(sup) == 1 and abs(sup.pop() - 0.9) < 0.05  # 0.76 -> about 0.9
    assert summarize(calibrated)["ece"] < 0.05 < before
    # the map is increasing: more raw confidence never gives less
    values = [calibrate("SUPPORTED", c, params) for c in (0.1, 0.5, 0.76, 0.99)]
    assert values == sorted(values)
    assert calibrate("REFUTED", 0.42, params) == 0.42  # no map for a verdict not fitted


def test_a_verdict_seen_too_rarely_keeps_its_raw_confidence():
    from workbench.evaluation.calibration import MIN_CLAIMS, fit_calibration

    few = thresholds.redecide(_overconfident_outcomes(MIN_CLAIMS - 1)[:2], DEFAULT_PARAMS)
    assert fit_calibration(few, DEFAULT_PARAMS).calibration == ()
    empty = _outcome(1, "SUPPORTED", "NOT_ENOUGH_INFO", 0.0, "dev")  # nothing retrieved
    params = fit_calibration([empty] * 30, DEFAULT_PARAMS)
    assert params.calibration == ()
    assert thresholds.redecide([empty], params)[0].confidence == 0.0


def test_calibration_round_trips_and_bad_entries_are_one_sentence():
    params = VerdictParams(calibration=(("NOT_ENOUGH_INFO", 0.5, -1.0),))
    data = params.to_dict()
    assert data["calibration"] == {"NOT_ENOUGH_INFO": [0.5, -1.0]}
    assert VerdictParams.from_dict(json.loads(json.dumps(data))) == params
    assert "calibration" not in DEFAULT_PARAMS.to_dict()  # old saved params read as before
    for bad in (
        {"MAYBE": [1, 0]},
        {"SUPPORTED": [0, 0]},  # slope 0: every confidence the same
        {"SUPPORTED": [-1, 0]},
        {"SUPPORTED": [1]},
        {"SUPPORTED": ["x", 0]},
        {"SUPPORTED": [float("nan"), 0]},
        [1, 0],
    ):
        with pytest.raises(WorkbenchError) as err:
            VerdictParams.from_dict({**DEFAULT_PARAMS.to_dict(), "calibration": bad})
        assert "calibration" in str(err.value) and "\n" not in str(err.value)


def test_tuning_report_calibrates_on_dev_and_reports_on_test():
    report = thresholds.tuning_report(_overconfident_outcomes(60))
    assert set(report["params"]["calibration"]) <= {"SUPPORTED", "NOT_ENOUGH_INFO", "REFUTED"}
    assert report["params"]["calibration"]
    assert report["test"]["ece"] < report["uncalibrated_test_ece"]
    assert report["test"]["ece"] < 0.1


@pytest.mark.slow
def test_saved_calibration_is_used_by_check_and_dropped_by_hand_set_thresholds(
    seed_index, tiny_stance
):
    from workbench import Workbench
    from workbench.cli import main
    from workbench.pipeline.verdict import calibrate

    claim = "Yerevan denies military presence in Karabakh"
    with Workbench.open(seed_index, create=False, stance_model=str(tiny_stance)) as wb:
        raw = wb.check(claim)
        fitted = VerdictParams(calibration=((raw.verdict, 0.5, -1.0),))
        wb.save_params(fitted, {"tuned_on": "a test"})
    with Workbench.open(seed_index, create=False, stance_model=str(tiny_stance)) as wb:
        assert wb.params == fitted  # a later open reads the calibration back
        result = wb.check(claim)
    assert result.verdict == raw.verdict and 0 < raw.confidence < 1
    expected = calibrate(raw.verdict, raw.confidence, fitted)
    assert result.confidence == pytest.approx(expected, abs=1e-3)
    assert result.confidence != raw.confidence
    assert result.confidence_calibrated and not raw.confidence_calibrated
    assert result.to_dict()["confidence_calibrated"] is True

    runner = CliRunner()
    where = ["index", "params", "--index", str(seed_index)]
    shown = runner.invoke(main, where)
    assert shown.exit_code == 0 and f"calibration: {raw.verdict} slope 0.5" in shown.stdout
    hand = runner.invoke(main, [*where, "--set", "decide=0.65", "--json"])
    assert hand.exit_code == 0, hand.output
    assert "calibration" not in json.loads(hand.stdout)
    assert "calibration was fitted for the previous thresholds" in hand.stderr


def test_calibrate_alone_keeps_the_thresholds():
    outcomes = _overconfident_outcomes(60)
    report = thresholds.tuning_report(outcomes, keep=DEFAULT_PARAMS)
    kept = {k: v for k, v in report["params"].items() if k != "calibration"}
    assert kept == DEFAULT_PARAMS.thresholds()
    assert report["objective"] == thresholds.CALIBRATION_ONLY
    assert set(report["params"]["calibration"]) == {"NOT_ENOUGH_INFO", "SUPPORTED"}
    assert report["test"]["ece"] < 0.05 < report["uncalibrated_test_ece"]
    # the verdicts are those of the kept thresholds: only the confidence moved
    before = thresholds.redecide([o for o in outcomes if o.split == "test"], DEFAULT_PARAMS)
    assert report["test"]["accuracy"] == summarize(before)["accuracy"]


@pytest.mark.slow
def test_eval_calibrate_through_the_cli_keeps_the_index_thresholds(seed_index, tiny_stance):
    from workbench.cli import main

    runner = CliRunner()
    base = ["eval", "--claims", str(CLAIMS), "--index", str(seed_index)]
    base += ["--stance-model", str(tiny_stance), "--quiet", "--limit", "8", "--calibrate"]
    out = runner.invoke(main, [*base, "--json", "--save-params"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    tuning = json.loads(out.stdout)["tuning"]
    assert tuning["objective"] == thresholds.CALIBRATION_ONLY
    assert {k: tuning["params"][k] for k in DEFAULT_PARAMS.thresholds()} == (
        DEFAULT_PARAMS.thresholds()
    )
    text = runner.invoke(main, base, catch_exceptions=False)
    assert "Calibrated on the dev half, thresholds kept" in text.stdout
    assert "confidence calibrated for: none" in text.stdout  # 4 dev claims are too few
