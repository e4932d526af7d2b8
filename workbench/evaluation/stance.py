"""Evaluate stance models on public pair sets they were never trained on (`workbench eval-stance`).

Sets: FEVER-Symmetric (2-way: supports / refutes), SICK test and Climate-FEVER claim-evidence pairs
(3-way) and the training recipe's held-out validation split. Probes of what the claim's wording
alone does: a negation probe (gold-neutral pairs with and without a negated claim), a contrast set
(held-out FEVER SUPPORTS pairs beside the same claim with one swapped fact) and the false-conflict
rate (gold-neutral pairs called "refutes"). Several models run over the same pairs in one call, so
they can be read side by side. Reads ../shared/data; ships nothing.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..pipeline.stance import DEFAULT_STANCE_PATH, StanceModel
from ..training.augment import contrast, has_negation, negate
from ..training.data import Pair, detokenize, read_pairs
from .metrics import report

LABELS = StanceModel.LABELS
SETS = ("fever_symmetric", "climate_fever", "sick", "validation")
PROBES = ("negation_probe", "contrast_set", "false_conflicts")
EXTRA_SETS = ("fever_symmetric_v0.2_dev",)

_FEVER = {"SUPPORTS": "supports", "REFUTES": "refutes"}
_SICK = {"ENTAILMENT": "supports", "CONTRADICTION": "refutes", "NEUTRAL": "neutral"}
_CLIMATE = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neutral"}
_PROBE_SIZE = 1000  # pairs drawn from each gold-neutral source for the negation probe
_SEED = 7


# --------------------------------------------------------------------------- pair sets


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fever_symmetric(
    data_dir: Path, name: str = "symmetric_v0.1/fever_symmetric_generated.jsonl"
) -> list[Pair]:
    rows = _jsonl(data_dir / "fever-symmetric" / name)
    return [
        (detokenize(r.get("evidence_sentence") or r["evidence"]), detokenize(r["claim"]),
         _FEVER[r["label"]])
        for r in rows
    ]  # fmt: skip


def sick_test(data_dir: Path) -> list[Pair]:
    path = next((data_dir / "nli" / "sick").glob("*/SICK.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    col = {name: i for i, name in enumerate(head)}
    pairs = []
    for line in lines[1:]:
        f = line.split("\t")
        if len(f) == len(head) and f[col["SemEval_set"]] == "TEST":
            pairs.append(
                (f[col["sentence_A"]], f[col["sentence_B"]], _SICK[f[col["entailment_label"]]])
            )
    return pairs


def climate_fever_pairs(data_dir: Path) -> list[Pair]:
    pairs = []
    for row in _jsonl(data_dir / "climate-fever" / "climate-fever.jsonl"):
        for ev in row["evidences"]:
            pairs.append((ev["evidence"], row["claim"], _CLIMATE[ev["evidence_label"]]))
    return pairs


def validation_split(pairs_dir: Path, data_dir: Path) -> list[Pair]:
    """The recipe's held-out split; rebuilt deterministically from the data when not cached."""
    from ..training.mix import build_mix, split_validation
    from ..training.recipe import Recipe

    cached = pairs_dir / "valid.jsonl"
    if cached.exists():
        return read_pairs(cached)
    recipe = Recipe()
    mix = build_mix(data_dir, recipe, log=lambda _msg: None)
    return split_validation(mix, recipe.validation_fraction, recipe.seed)[1]


def negation_probe_pairs(data_dir: Path) -> list[tuple[Pair, Pair]]:
    """(original, negated-claim) pairs of gold-neutral evidence: SICK test neutrals and
    Climate-FEVER NOT_ENOUGH_INFO pairs, a seeded sample from each. Both members stay neutral."""
    rng = random.Random(_SEED)
    out: list[tuple[Pair, Pair]] = []
    for pairs in (sick_test(data_dir), climate_fever_pairs(data_dir)):
        twins = []
        for p, h, lab in pairs:
            if lab == "neutral" and not has_negation(h):
                neg = negate(h)
                if neg:
                    twins.append(((p, h, lab), (p, neg, lab)))
        rng.shuffle(twins)
        out.extend(twins[:_PROBE_SIZE])
    return out


def _alias(a: str, b: str) -> bool:
    """Whether two names share a word (a swap to it may name the same thing)."""
    return bool(set(a.lower().split()) & set(b.lower().split()))


def contrast_pairs(data_dir: Path) -> list[tuple[Pair, str]]:
    """Held-out FEVER SUPPORTS pairs (FEVER-Symmetric originals, never trained on), each beside
    the same claim changed in one way, with the kind of change:

    * one-fact swaps, labelled refutes: a number, date, unit, nationality or antonym
      (`contrast`), two named entities exchanged ("role"), from/to reversed ("direction"), or a
      named entity replaced by another one of the evidence that shares no word with it
      ("entity": a shared word may mean an alias, and the label would be wrong);
    * paraphrases, labelled supports: a number or duration written another way
      ("paraphrase_number_format", "paraphrase_duration").
    """
    from ..training.augment import _swap_entity, paraphrase_numbers, swap_from_to, swap_roles

    rng = random.Random(_SEED)
    seen: set[tuple[str, str]] = set()
    out: list[tuple[Pair, str]] = []
    for name in ("symmetric_v0.1/fever_symmetric_full.jsonl",
                 "symmetric_v0.2/fever_symmetric_dev.jsonl"):  # fmt: skip
        for premise, claim, label in fever_symmetric(data_dir, name):
            if label != "supports" or (premise, claim) in seen:
                continue
            seen.add((premise, claim))
            if has_negation(claim):
                continue  # a swap inside a negated claim may leave it true
            changed: list[tuple[str, str, str]] = []
            swapped = contrast(claim, premise, rng, entities=False)
            if swapped:
                changed.append((swapped[0], "refutes", swapped[1]))
            for kind, make in (("role", swap_roles), ("direction", swap_from_to)):
                new = make(claim, premise)
                if new and new != claim:
                    changed.append((new, "refutes", kind))
            new = _swap_entity(claim, premise, rng)
            if new and new != claim:
                old = {w for w in claim.split()} - set(new.split())
                added = {w for w in new.split()} - set(claim.split())
                if old and added and not _alias(" ".join(old), " ".join(added)):
                    changed.append((new, "refutes", "entity"))
            para = paraphrase_numbers(claim, rng)
            if para:
                changed.append((para[0], "supports", f"paraphrase_{para[1]}"))
            if changed:
                out.append(((premise, claim, "supports"), "original"))
                out += [((premise, new, lab), kind) for new, lab, kind in changed]
    return out


# --------------------------------------------------------------------------- scoring


def _predict(model: StanceModel, pairs: list[Pair]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    probs = model.predict([(p, h) for p, h, _ in pairs], batch_size=64)
    return probs, time.perf_counter() - started


def score(model: StanceModel, pairs: list[Pair], two_way: bool = False) -> dict:
    """Metrics for one set; `two_way` predicts the larger of supports/refutes (no neutral class)."""
    probs, seconds = _predict(model, pairs)
    out = _report(pairs, probs, two_way)
    out["pairs_per_second"] = len(pairs) / seconds if seconds else None
    return out


def _report(pairs: list[Pair], probs: np.ndarray, two_way: bool = False) -> dict:
    labels = LABELS[:2] if two_way else LABELS
    cols = probs[:, :2] if two_way else probs
    pred = [labels[i] for i in np.argmax(cols, axis=1)]
    return report([lab for _, _, lab in pairs], pred, labels)


def _refutes_rate(probs: np.ndarray) -> float:
    return float((probs.argmax(1) == LABELS.index("refutes")).mean()) if len(probs) else 0.0


def score_negation_probe(model: StanceModel, twins: list[tuple[Pair, Pair]]) -> dict:
    """How often gold-neutral pairs are called refutes, with the claim as written and negated."""
    original, _ = _predict(model, [a for a, _ in twins])
    negated, _ = _predict(model, [b for _, b in twins])
    a, b = _refutes_rate(original), _refutes_rate(negated)
    neutral = LABELS.index("neutral")
    return {
        "n": len(twins),
        "refutes_rate_original": round(a, 4),
        "refutes_rate_negated": round(b, 4),
        "negation_gap": round(b - a, 4),
        "neutral_rate_original": round(float((original.argmax(1) == neutral).mean()), 4),
        "neutral_rate_negated": round(float((negated.argmax(1) == neutral).mean()), 4),
    }


def score_contrast(model: StanceModel, rows: list[tuple[Pair, str]]) -> dict:
    """3-way accuracy on originals and paraphrases (supports) and swaps (refutes), how often a
    swap is still called supports (the error a reviewer would act on), and each kind apart."""
    pairs = [pair for pair, _ in rows]
    kinds = np.array([kind for _, kind in rows])
    probs, seconds = _predict(model, pairs)
    out = _report(pairs, probs)
    out["pairs_per_second"] = len(pairs) / seconds if seconds else None
    pred = probs.argmax(1)
    gold = np.array([LABELS.index(lab) for _, _, lab in pairs])
    swaps = gold == LABELS.index("refutes")
    out["swap_called_supports"] = round(float((pred[swaps] == 0).mean()), 4)
    out["original_called_supports"] = round(float((pred[kinds == "original"] == 0).mean()), 4)
    out["by_kind"] = {
        kind: {
            "n": int((kinds == kind).sum()),
            "accuracy": round(float((pred[kinds == kind] == gold[kinds == kind]).mean()), 4),
            "called_supports": round(float((pred[kinds == kind] == 0).mean()), 4),
        }
        for kind in sorted(set(kinds.tolist()))
    }
    return out


def false_conflicts(results: dict) -> dict:
    """Share of gold-neutral pairs called refutes, from the SICK and Climate-FEVER matrices."""
    out: dict = {}
    total = called = 0
    for name in ("sick", "climate_fever"):
        m = results.get(name)
        if not isinstance(m, dict) or "confusion_matrix" not in m:
            continue
        row = m["confusion_matrix"][m["labels"].index("neutral")]
        out[name] = round(row[m["labels"].index("refutes")] / max(1, sum(row)), 4)
        total, called = total + sum(row), called + row[m["labels"].index("refutes")]
    if total:
        out["all"] = round(called / total, 4)
        out["n"] = total
    return out


def evaluate(
    stance_model: str | None,
    data_dir: Path,
    pairs_dir: Path = Path(".train"),
    sets: tuple[str, ...] = SETS + PROBES,
    log: Callable[[str], None] = lambda _msg: None,
    cache: dict | None = None,
    swap_check: bool = True,
) -> dict:
    """Run every requested set and probe; return {"model": name, set: metrics}.

    `cache` keeps loaded pair sets between calls, so several models score the same pairs;
    `swap_check=False` measures the model without pipeline/consistency.py.
    """
    model = StanceModel(stance_model, swap_check=swap_check)
    cache = {} if cache is None else cache
    loaders: dict[str, Callable[[], list]] = {
        "fever_symmetric": lambda: fever_symmetric(data_dir),
        "fever_symmetric_v0.2_dev": lambda: fever_symmetric(
            data_dir, "symmetric_v0.2/fever_symmetric_dev.jsonl"
        ),
        "climate_fever": lambda: climate_fever_pairs(data_dir),
        "sick": lambda: sick_test(data_dir),
        "validation": lambda: validation_split(pairs_dir, data_dir),
        "negation_probe": lambda: negation_probe_pairs(data_dir),
        "contrast_set": lambda: contrast_pairs(data_dir),
    }
    results: dict = {"model": model.name}
    for name in sets:
        if name == "false_conflicts":
            continue
        log(f"{model.name}: {name} ...")
        if name not in cache:
            cache[name] = loaders[name]()
        pairs = cache[name]
        if name == "negation_probe":
            results[name] = score_negation_probe(model, pairs)
        elif name == "contrast_set":
            results[name] = score_contrast(model, pairs)
        else:
            results[name] = score(model, pairs, two_way=name.startswith("fever_symmetric"))
    if "false_conflicts" in sets:
        results["false_conflicts"] = false_conflicts(results)
    return results


def compare(
    stance_models: list[str | None], data_dir: Path, pairs_dir: Path = Path(".train"), **kw
) -> list[dict]:
    """`evaluate` for each model over the same pairs (loaded once)."""
    cache: dict = {}
    return [evaluate(m, data_dir, pairs_dir, cache=cache, **kw) for m in stance_models]


# --------------------------------------------------------------------------- reports


def _figures(results: dict) -> dict[str, float | None]:
    """The headline number of every set and probe, for the side-by-side table."""
    rows: dict[str, float | None] = {}
    for name, m in results.items():
        if not isinstance(m, dict):
            continue
        if name == "negation_probe":
            rows["negation probe: refutes, claim as written"] = m["refutes_rate_original"]
            rows["negation probe: refutes, claim negated"] = m["refutes_rate_negated"]
        elif name == "false_conflicts":
            for k, v in m.items():
                if k != "n":
                    rows[f"false-conflict rate ({k})"] = v
        elif name == "contrast_set":
            rows["contrast set: accuracy"] = m["accuracy"]
            rows["contrast set: swap called supports"] = m["swap_called_supports"]
            for kind, k in (m.get("by_kind") or {}).items():
                rows[f"contrast set: {kind} accuracy (n={k['n']})"] = k["accuracy"]
        else:
            rows[f"{name}: accuracy"] = m["accuracy"]
            rows[f"{name}: macro-F1"] = m["macro_f1"]
            rows[f"{name}: pairs/s"] = m.get("pairs_per_second")
    return rows


def format_side_by_side(all_results: list[dict]) -> str:
    """One row per figure, one column per model."""
    tables = [_figures(r) for r in all_results]
    names = list(dict.fromkeys(k for t in tables for k in t))
    width = max(len(n) for n in names) if names else 10
    lines = [f"{'':{width}s}" + "".join(f"  model {i + 1:>3d}" for i in range(len(tables)))]
    for n in names:
        cells = "".join(
            f"  {t[n]:9.4f}" if isinstance(t.get(n), float | int) else f"  {'-':>9s}"
            for t in tables
        )
        lines.append(f"{n:{width}s}{cells}")
    lines.append("")
    lines += [f"model {i + 1}: {r['model']}" for i, r in enumerate(all_results)]
    return "\n".join(lines)


def format_text(results: dict) -> str:
    """Human-readable table plus one confusion matrix per set."""
    lines = [format_side_by_side([results])]
    for name, m in results.items():
        if isinstance(m, dict) and "confusion_matrix" in m:
            labels = m["labels"]
            lines += [
                "",
                f"{name}: confusion matrix (rows gold, columns predicted)",
                " " * 10 + "".join(f"{lab:>10s}" for lab in labels),
            ]
            for lab, row in zip(labels, m["confusion_matrix"]):
                lines.append(f"{lab:>10s}" + "".join(f"{v:10d}" for v in row))
    return "\n".join(lines)


__all__ = ["DEFAULT_STANCE_PATH", "compare", "evaluate", "format_side_by_side", "format_text"]
