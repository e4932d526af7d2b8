"""The model card: README.md and training.json beside the weights, from the recipe and metrics."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .recipe import LICENCES, Recipe


def _stage_section(facts: dict) -> str:
    recipe, result = facts["recipe"], facts["result"]
    rows = "\n".join(f"| {k} | {v} | {LICENCES[k]} |" for k, v in recipe["sizes"].items())
    hp = {k: v for k, v in recipe.items() if k not in ("sizes", "base")}
    start = (
        "the bundled encoder with a fresh 3-way head"
        if recipe["stage"] == 1
        else (f"the stage-{recipe['stage'] - 1} model")
    )
    calibrated = (
        f" Temperature {result['temperature']:.2f}, fitted on the validation split, is folded into "
        "the classifier (weights and bias divided by it)."
        if result.get("temperature")
        else ""
    )
    averaged = (
        f" The weights were then averaged with {start}'s, {result['averaged_with_init']:.0%} of "
        "them, tensor by tensor (a model soup); eval-stance below measures the average."
        if result.get("averaged_with_init")
        else ""
    )
    return f"""## Stage {recipe["stage"]}

Started from {start}; {result.get("train_pairs")} training pairs, {result.get("train_minutes")}
minutes on {result.get("device")}; best validation accuracy {result.get("valid_accuracy", 0):.4f}
at step {result.get("step")} of {result.get("steps_planned")}.{calibrated}{averaged}

| set | pairs | source, licence |
|---|---:|---|
{rows}

```json
{json.dumps(hp, indent=2)}
```
"""


def write_card(
    out_dir: Path, recipe: Recipe, result: dict, metrics: dict | None, previous: dict | None = None
) -> None:
    """Model card (README.md) plus the same facts as training.json beside the weights."""
    this = {
        "recipe": asdict(recipe),
        "result": result,
        "licences": {k: LICENCES[k] for k in recipe.sizes},
    }
    stages = (previous or {}).get("stages", []) + [this]
    render_card(out_dir, {"stages": stages, "metrics": metrics or {}})


def render_card(out_dir: Path, facts: dict) -> None:
    """Write training.json and README.md from the facts (stages, metrics)."""
    (out_dir / "training.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    stages, metrics = facts["stages"], facts.get("metrics") or {}
    metric_rows = "\n".join(
        f"| {name} | {m['accuracy']:.4f} | {m['macro_f1']:.4f} | {m.get('n', '')} |"
        for name, m in metrics.items()
        if isinstance(m, dict) and "macro_f1" in m and name != "contrast_set"
    )
    probe_rows = "\n".join(_probe_rows(metrics))
    base = stages[0]["recipe"]["base"]
    card = f"""# workbench stance model (3-way NLI cross-encoder)

Labels: 0 supports, 1 refutes, 2 neutral (config.json `id2label`).
Input pair: (evidence sentence, claim). Base: {base}. Weights stored as fp16 safetensors;
the workbench casts them to float32 on load. Trained by `workbench train-stance`
(workbench/training/) in {len(stages)} stage(s), with a fixed seed, validated on a held-out
split of the stage-1 mix (no claim shared with training).

FEVER-Symmetric claims were removed from every FEVER-derived set. Nothing about the workbench's
default corpus was trained or tuned on. Non-commercial sets (SICK, ANLI) are evaluation only.

{"".join(_stage_section(st) for st in stages)}
## Evaluation (`workbench eval-stance`)

| set | accuracy | macro-F1 | pairs |
|---|---:|---:|---:|
{metric_rows}
{probe_rows}
{_verdict_section(facts.get("verdict"))}"""
    (out_dir / "README.md").write_text(card, encoding="utf-8")


def _verdict_section(verdict: dict | None) -> str:
    """The learned verdict aggregator (verdict.json) fitted for these weights, if any."""
    if not verdict:
        return ""
    rows = []
    for name in ("dev", "test"):
        ours, rule = verdict.get(name) or {}, verdict.get(f"{name}_hand_rule") or {}
        if ours:
            rows.append(
                f"| {name} | {ours.get('n')} | {ours.get('accuracy')} ({rule.get('accuracy')}) | "
                f"{ours.get('macro_f1')} ({rule.get('macro_f1')}) | {ours.get('ece')} "
                f"({rule.get('ece')}) | {ours.get('confidence_auroc')} "
                f"({rule.get('confidence_auroc')}) |"
            )
    table = "\n".join(rows)
    return f"""
## Verdict aggregator (`verdict.json`, `workbench train-verdict`)

Recipe {verdict.get("recipe")}: a multinomial logistic regression over features of the top-k
evidence (pipeline/verdict.py `FEATURES`), fitted on the dev half of held-out FEVER claims
checked end to end against a pooled FEVER evidence corpus (regularisation C =
{(verdict.get("fit") or {}).get("C")}, by 5-fold cross-validated log-loss). Claims of the
hold-out share never enter the stage-4 mix, and claims stages 1-3 trained on are removed. The
file records the SHA-256 of the weights it was fitted for; with other weights the hand-set rule
is used. Figures: aggregator (hand-set rule), default thresholds.

| FEVER half | claims | accuracy | macro-F1 | ECE | confidence AUROC |
|---|---:|---:|---:|---:|---:|
{table}
"""


def record_verdict(model_dir: Path, report: dict) -> None:
    """Put the aggregator's figures (train-verdict) into the model card of `model_dir`."""
    card = model_dir / "training.json"
    if not card.exists():
        return
    facts = json.loads(card.read_text(encoding="utf-8"))
    keep = ("recipe", "fit", "dev", "test", "dev_hand_rule", "test_hand_rule")
    facts["verdict"] = {k: report[k] for k in keep if k in report}
    render_card(model_dir, facts)


def _probe_rows(metrics: dict) -> list[str]:
    """The claim-wording probes of `workbench eval-stance`, when they were run."""
    rows = []
    probe = metrics.get("negation_probe")
    if probe:
        rows += [
            "",
            "Negation probe (gold-neutral pairs called refutes, claim as written / negated): "
            f"{probe['refutes_rate_original']:.4f} / {probe['refutes_rate_negated']:.4f} "
            f"({probe['n']} pairs each).",
        ]
    contrast = metrics.get("contrast_set")
    if contrast:
        rows.append(
            f"Contrast set (originals and one-fact swaps): accuracy {contrast['accuracy']:.4f}, "
            f"swaps called supports {contrast['swap_called_supports']:.4f}."
        )
    conflicts = metrics.get("false_conflicts")
    if conflicts:
        parts = ", ".join(f"{k} {v:.4f}" for k, v in conflicts.items() if k != "n")
        rows.append(f"False-conflict rate (gold-neutral pairs called refutes): {parts}.")
    return rows


def record_metrics(model_dir: Path, results: dict) -> None:
    """Put `workbench eval-stance` results into the model card of `model_dir`."""
    facts = json.loads((model_dir / "training.json").read_text(encoding="utf-8"))
    facts["metrics"] = {k: v for k, v in results.items() if isinstance(v, dict)}
    render_card(model_dir, facts)
