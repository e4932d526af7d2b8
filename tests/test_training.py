"""The stance recipe's augmentation rules, temperature fit and the eval-stance probes (no model
training here: that runs for hours; these check the pieces it is built from)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from workbench.evaluation.stance import false_conflicts, format_side_by_side
from workbench.training.augment import affirm, contrast, has_negation, negate
from workbench.training.calibration import fit_temperature
from workbench.training.mix import augmented_sources
from workbench.training.recipe import recipe_for


@pytest.mark.parametrize(
    ("claim", "negated"),
    [
        ("Roman Atwood is a content creator.", "Roman Atwood is not a content creator."),
        ("The band won three awards.", "The band did not win three awards."),
        ("Ann Lee acts in Game of Thrones.", "Ann Lee does not act in Game of Thrones."),
        ("Telemundo has a Spanish format.", "Telemundo does not have a Spanish format."),
        ("The minister said the talks failed.", "The minister denied the talks failed."),
        ("Seven civilians were among the dead.", "Seven civilians were not among the dead."),
    ],
)  # fmt: skip
def test_negate(claim, negated):
    assert negate(claim) == negated
    assert has_negation(negated)


@pytest.mark.parametrize(
    "claim",
    [
        "He did not win.",  # already negative
        "The man who was here left.",  # the first verb is in a relative clause: no guess
        "Armenia says it has no troops.",  # 'no' makes a double negative
        "Paris.",  # nothing to negate
    ],
)
def test_negate_declines_when_unsure(claim):
    assert negate(claim) is None


@pytest.mark.parametrize(
    ("claim", "affirmed"),
    [
        ("He did not win the election.", "He won the election."),
        ("Planet of the Apes is not a film.", "Planet of the Apes is a film."),
        ("She never lived in Paris.", "She lived in Paris."),
        ("The club does not play in Europe.", "The club plays in Europe."),
    ],
)
def test_affirm(claim, affirmed):
    assert affirm(claim) == affirmed


def test_affirm_leaves_titles_alone():
    assert affirm("The band released the single Don't Let Me Down.") is None


def test_contrast_changes_exactly_one_fact():
    rng = random.Random(0)
    evidence = "The war lasted six weeks in 2020 and Russian peacekeepers arrived in November."
    for claim in (
        "The war lasted six weeks.",
        "Russian peacekeepers arrived.",
        "It began in 2020.",
    ):
        new, kind = contrast(claim, evidence, rng)
        assert new != claim
        changed = [a for a, b in zip(claim.split(), new.split()) if a != b]
        assert len(changed) == 1, (claim, new, kind)
    assert contrast("It rained.", evidence, rng) is None


def test_augmented_sources_flip_labels_and_keep_neutral():
    recipe = recipe_for(3)
    recipe.sizes = {"aug_negated": 10, "aug_affirmed": 10, "aug_contrast": 10}
    chosen = {
        "x": [
            ("Ev one.", "The film was released in 1999.", "supports"),
            ("Ev two.", "The film was released in Spain.", "refutes"),
            ("Ev three.", "The singer is British.", "neutral"),
            ("Ev four.", "The singer did not tour.", "refutes"),
        ]
    }
    out = augmented_sources(chosen, recipe, random.Random(1))
    negated = {h: lab for _, h, lab in out["aug_negated"]}
    assert negated == {
        "The film was not released in 1999.": "refutes",
        "The film was not released in Spain.": "supports",
        "The singer is not British.": "neutral",
    }
    assert out["aug_affirmed"] == [("Ev four.", "The singer toured.", "supports")]


def test_fit_temperature_recovers_overconfidence():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 4000)
    # A model that is right 60 % of the time but says 0.98: the fitted T must soften it.
    pred = np.where(rng.random(4000) < 0.6, gold, (gold + 1) % 3)
    probs = np.full((4000, 3), 0.01)
    probs[np.arange(4000), pred] = 0.98
    t = fit_temperature(probs, gold)
    assert t > 1.5
    calibrated = np.exp(np.log(probs) / t)
    calibrated /= calibrated.sum(1, keepdims=True)
    assert abs(calibrated.max(1).mean() - 0.6) < 0.05


def test_false_conflicts_read_from_the_confusion_matrices():
    labels = ["supports", "refutes", "neutral"]
    results = {
        "sick": {"labels": labels, "confusion_matrix": [[5, 0, 0], [0, 5, 0], [1, 3, 6]]},
        "climate_fever": {"labels": labels, "confusion_matrix": [[1, 0, 0], [0, 1, 0], [0, 1, 9]]},
    }
    out = false_conflicts(results)
    assert out == {"sick": 0.3, "climate_fever": 0.1, "all": 0.2, "n": 20}


def test_side_by_side_has_one_column_per_model():
    a = {
        "model": "old",
        "negation_probe": {"refutes_rate_original": 0.3, "refutes_rate_negated": 0.5},
    }
    b = {
        "model": "new",
        "negation_probe": {"refutes_rate_original": 0.1, "refutes_rate_negated": 0.1},
    }
    text = format_side_by_side([a, b])
    row = next(line for line in text.splitlines() if "claim negated" in line)
    assert row.split()[-2:] == ["0.5000", "0.1000"]
    assert "model 2: new" in text


def test_eval_stance_compares_models_on_the_same_pairs():
    """`workbench eval-stance --compare` scores each model on the same generated contrast set."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from workbench.cli import main
    from workbench.pipeline.stance import DEFAULT_STANCE_PATH

    data = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not (data / "fever-symmetric").exists():
        pytest.skip(f"the evaluation data is not at {data}")
    args = ["eval-stance", "--data", str(data), "--set", "contrast_set", "--json"]
    result = CliRunner().invoke(main, [*args, "--compare", str(DEFAULT_STANCE_PATH)])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)["models"]
    assert first["contrast_set"]["n"] == second["contrast_set"]["n"] > 300
    assert first["contrast_set"]["accuracy"] == second["contrast_set"]["accuracy"]
    assert 0 <= first["contrast_set"]["swap_called_supports"] <= 1


# --------------------------------------------------------------------------- stage 4 swaps


def test_swap_roles_exchanges_two_whole_names():
    from workbench.training.augment import swap_roles

    evidence = "Azerbaijan imposed a blockade on Armenia in December 2022."
    assert swap_roles("Azerbaijan imposed a blockade on Armenia.", evidence) == (
        "Armenia imposed a blockade on Azerbaijan."
    )
    # symmetric relations, negated claims, names the evidence lacks, parts of a title: no swap
    assert swap_roles("Tom Hanks married Rita Wilson.", "Tom Hanks married Rita Wilson.") is None
    assert swap_roles("Azerbaijan did not blockade Armenia.", evidence) is None
    assert swap_roles("Turkey imposed a blockade on Armenia.", evidence) is None
    title = "The Concert for Bangladesh was a benefit."
    assert swap_roles(title, title) is None


def test_swap_from_to_reverses_the_direction():
    from workbench.training.augment import swap_from_to

    assert swap_from_to("She moved from London to Paris.", "") == "She moved from Paris to London."
    assert swap_from_to("She did not move from London to Paris.", "") is None
    assert swap_from_to("She moved to Paris.", "") is None


def test_paraphrase_numbers_keeps_the_meaning():
    from workbench.pipeline.numbers import normalize_numbers
    from workbench.training.augment import paraphrase_numbers

    rng = random.Random(0)
    new, kind = paraphrase_numbers("About 3500 people died.", rng)
    assert kind == "number_format" and normalize_numbers(new) == "About 3500 people died."
    assert paraphrase_numbers("The war lasted 18 months.", rng) == (
        "The war lasted a year and a half.",
        "duration",
    )
    # years, days of the month and ordinals are not counts
    assert paraphrase_numbers("In 1930, Ruddy was born.", rng) is None
    assert paraphrase_numbers("It opened on April 11 2014.", rng) is None
    assert paraphrase_numbers("It came 3rd.", rng) is None


def test_verdict_holdout_is_stable_and_about_its_share():
    from workbench.training.data import in_verdict_holdout

    claims = [f"Claim number {i} is about something." for i in range(4000)]
    held = [c for c in claims if in_verdict_holdout(c, 0.1)]
    assert 300 < len(held) < 500
    assert held == [c for c in claims if in_verdict_holdout(c, 0.1)]
    assert not any(in_verdict_holdout(c, 0.0) for c in claims)
    # the rule ignores case and punctuation, as the FEVER claim comparison does
    assert in_verdict_holdout(held[0].upper(), 0.1)


@pytest.mark.parametrize("stage", [4, 5])
def test_stages_4_and_5_keep_the_verdict_holdout_out_of_their_mix(stage):
    recipe = recipe_for(stage)
    assert recipe.stage == stage
    assert recipe.verdict_holdout > 0 and recipe.normalize_numbers
    assert recipe.sizes["aug_roles"] and recipe.sizes["aug_paraphrase"]


def test_stage5_is_stage4_again_on_a_fresh_draw():
    four, five = recipe_for(4), recipe_for(5)
    assert five.sizes == four.sizes and five.learning_rate == four.learning_rate
    assert five.sample_seed != four.sample_seed
    assert five.seed == four.seed  # the validation split stays the same


def test_precision_auto_follows_the_hardware():
    from pathlib import Path

    from workbench.training.trainer import resolve_precision

    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    native = "avx512_bf16" in flags or "amx_bf16" in flags
    assert resolve_precision("auto") == ("bf16" if native else "fp32")
    assert resolve_precision("fp32") == "fp32"


def test_weights_are_averaged_tensor_by_tensor(tmp_path):
    import torch
    from safetensors.torch import load_file, save_file

    from workbench.training.card import _stage_section
    from workbench.training.checkpoint import average_weights, read_weights

    own, other = tmp_path / "own", tmp_path / "other"
    own.mkdir(), other.mkdir()
    save_file(
        {"w": torch.tensor([1.0, 3.0]).half(), "ids": torch.tensor([7])}, own / "model.safetensors"
    )
    save_file(
        {"w": torch.tensor([3.0, 5.0]).half(), "ids": torch.tensor([9])},
        other / "model.safetensors",
    )
    average_weights(own, read_weights(other), 0.25)
    mixed = load_file(str(own / "model.safetensors"))
    assert mixed["w"].dtype == torch.float16 and mixed["w"].tolist() == [1.5, 3.5]
    assert mixed["ids"].tolist() == [7]  # integer tensors are not averaged
    save_file({"v": torch.zeros(2)}, other / "model.safetensors")
    with pytest.raises(SystemExit, match="different tensors"):
        average_weights(own, read_weights(other), 0.5)
    stage4 = {"recipe": {**vars(recipe_for(4)), "sizes": {}}, "result": {"averaged_with_init": 0.5}}
    assert "averaged with the stage-3 model's, 50% of them" in _stage_section(stage4)
    assert recipe_for(4).average_with_init == 0.5 and recipe_for(3).average_with_init == 0.0
