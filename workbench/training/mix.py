"""One stage's training mix: sets drawn by the recipe, augmented, split for validation."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .augment import (
    affirm,
    contrast,
    has_negation,
    negate,
    paraphrase_numbers,
    swap_from_to,
    swap_roles,
)
from .data import (
    Pair,
    fever_symmetric_claims,
    in_verdict_holdout,
    neutral_pairs_by_retrieval,
    read_breaking_nli,
    read_conjnli,
    read_fever,
    read_fever_rte,
    read_pairs,
    read_snli,
    read_snli_cad,
    read_taxinli,
    write_pairs,
)
from .recipe import Recipe


def build_mix(data_dir: Path, recipe: Recipe, log: Callable[[str], None] = print) -> list[Pair]:
    """Read, map and subsample every training set into one shuffled list of pairs."""
    nli = data_dir / "nli"
    rng = random.Random(recipe.sample_seed)
    exclude = fever_symmetric_claims(data_dir)
    log(f"FEVER-Symmetric claims kept out of training: {len(exclude)}")
    fever, nei_claims, pool = read_fever(nli, exclude)
    if recipe.verdict_holdout:
        fever = [p for p in fever if not in_verdict_holdout(p[1], recipe.verdict_holdout)]
        nei_claims = [c for c in nei_claims if not in_verdict_holdout(c, recipe.verdict_holdout)]
    rng.shuffle(nei_claims)
    nei_n = recipe.sizes.get("fever_nei_retrieved") or len(nei_claims)
    supports = [p for p in fever if p[2] == "supports"]
    refutes = [p for p in fever if p[2] == "refutes"]
    sources: dict[str, list[Pair]] = {
        "fever_supports": supports,
        "fever_refutes": refutes,
        "fever_nei_retrieved": neutral_pairs_by_retrieval(nei_claims[:nei_n], pool),
        "fever_rte": read_fever_rte(nli, exclude),
        "snli": read_snli(nli),
        "snli_cad": read_snli_cad(nli),
        "taxinli_mnli": read_taxinli(nli),
        "conjnli": read_conjnli(nli),
        "breaking_nli": read_breaking_nli(nli),
    }
    if recipe.sizes.get("fever_hard_neutral"):
        # Claims not drawn as SUPPORTS/REFUTES pairs below, so hard neutrals add new claims.
        rest = (supports + refutes)[::-1][: recipe.sizes["fever_hard_neutral"] * 2]
        sources["fever_hard_neutral"] = neutral_pairs_by_retrieval(
            [h for _, h, _ in rest], pool, gold=[p for p, _, _ in rest]
        )
    mix: list[Pair] = []
    chosen_by_source: dict[str, list[Pair]] = {}
    for name, pairs in sources.items():
        want = recipe.sizes.get(name)
        rng.shuffle(pairs)
        chosen = pairs if want is None else pairs[:want]
        recipe.sizes[name] = len(chosen)
        chosen_by_source[name] = chosen
        counts = dict(Counter(p[2] for p in chosen))
        log(f"{name:22s} {len(chosen):6d} of {len(pairs):6d}  {counts}")
        mix.extend(chosen)
    augmented = augmented_sources(chosen_by_source, recipe, rng)
    augmented.update(swap_sources(supports, fever, recipe, rng))
    for name, pairs in augmented.items():
        recipe.sizes[name] = len(pairs)
        log(f"{name:22s} {len(pairs):6d}  {dict(Counter(p[2] for p in pairs))}")
        mix.extend(pairs)
    rng.shuffle(mix)
    return mix


_FLIP = {"supports": "refutes", "refutes": "supports", "neutral": "neutral"}


def augmented_sources(
    chosen: dict[str, list[Pair]], recipe: Recipe, rng: random.Random
) -> dict[str, list[Pair]]:
    """Negation-symmetric and contrastive pairs made from the drawn pairs (see augment.py).

    A negated claim flips supports <-> refutes and keeps neutral; a negated FEVER claim made
    affirmative flips too; a supported claim with one swapped fact becomes refutes. Each
    augmented pair sits beside its original, so the two differ only in the claim's wording.
    """
    wanted = {k: recipe.sizes.get(k) or 0 for k in ("aug_negated", "aug_affirmed", "aug_contrast")}
    if recipe.stage >= 4:
        wanted["aug_contrast"] = 0  # drawn from all FEVER SUPPORTS claims: swap_sources()
    if not any(wanted.values()):
        return {}
    pool = [p for pairs in chosen.values() for p in pairs]
    rng.shuffle(pool)
    negated, affirmed, contrasted = [], [], []
    for premise, claim, label in pool:
        if len(negated) < wanted["aug_negated"] and not has_negation(claim):
            new = negate(claim)
            if new:
                negated.append((premise, new, _FLIP[label]))
                continue
        if len(affirmed) < wanted["aug_affirmed"] and label != "neutral" and has_negation(claim):
            new = affirm(claim)
            if new:
                affirmed.append((premise, new, _FLIP[label]))
                continue
        if len(contrasted) < wanted["aug_contrast"] and label == "supports":
            new = contrast(claim, premise, rng)
            if new:
                contrasted.append((premise, new[0], "refutes"))
    return {"aug_negated": negated, "aug_affirmed": affirmed, "aug_contrast": contrasted}


def swap_sources(
    supports: list[Pair], fever: list[Pair], recipe: Recipe, rng: random.Random
) -> dict[str, list[Pair]]:
    """One-fact swaps and format paraphrases drawn from all FEVER pairs (stage 4 on).

    aug_contrast: a swapped number, date, unit, nationality, entity or antonym (refutes);
    aug_roles: two entities exchanged or from/to reversed (refutes); aug_paraphrase: a number or
    duration written another way, label kept. Each kind is capped at a third of aug_contrast so
    the easy kinds (years) do not crowd out the rest.
    """
    wanted = {k: recipe.sizes.get(k) or 0 for k in ("aug_roles", "aug_paraphrase")}
    if not any(wanted.values()) and recipe.stage < 4:
        return {}
    contrast_n = recipe.sizes.get("aug_contrast") or 0
    pool = list(supports)
    rng.shuffle(pool)
    kinds: Counter = Counter()
    contrasted, roles = [], []
    for premise, claim, _ in pool:
        if has_negation(claim):
            continue  # a swap inside a negated claim may leave it true
        if len(roles) < wanted["aug_roles"]:
            new = swap_roles(claim, premise) or swap_from_to(claim, premise)
            if new and new != claim:
                roles.append((premise, new, "refutes"))
                continue
        if len(contrasted) < contrast_n:
            out = contrast(claim, premise, rng)
            if out and kinds[out[1]] < contrast_n // 3:
                kinds[out[1]] += 1
                contrasted.append((premise, out[0], "refutes"))
        if len(roles) >= wanted["aug_roles"] and len(contrasted) >= contrast_n:
            break
    paraphrased = []
    shuffled = list(fever)
    rng.shuffle(shuffled)
    for premise, claim, label in shuffled:
        if len(paraphrased) >= wanted["aug_paraphrase"]:
            break
        out = paraphrase_numbers(claim, rng)
        if out:
            paraphrased.append((premise, out[0], label))
    return {"aug_contrast": contrasted, "aug_roles": roles, "aug_paraphrase": paraphrased}


def split_validation(
    pairs: list[Pair], fraction: float, seed: int
) -> tuple[list[Pair], list[Pair]]:
    """Hold out a fixed share of the mix, with no hypothesis shared between the two sides."""
    claims = sorted({p[1] for p in pairs})
    random.Random(seed).shuffle(claims)
    held = set(claims[: int(len(claims) * fraction)])
    train = [p for p in pairs if p[1] not in held]
    valid = [p for p in pairs if p[1] in held]
    return train, valid


def load_or_build(
    data_dir: Path, recipe: Recipe, folder: Path, log: Callable[[str], None]
) -> tuple[list[Pair], list[Pair]]:
    """This stage's train/valid pairs, from the compact files when present."""
    train_file, valid_file = folder / "train.jsonl", folder / "valid.jsonl"
    if train_file.exists() and valid_file.exists():
        recipe.sizes.update(json.loads((folder / "sizes.json").read_text(encoding="utf-8")))
        log(f"reusing {train_file} and {valid_file}")
        return read_pairs(train_file), read_pairs(valid_file)
    mix = build_mix(data_dir, recipe, log)
    train_pairs, valid_pairs = split_validation(mix, recipe.validation_fraction, recipe.seed)
    write_pairs(train_pairs, train_file)
    write_pairs(valid_pairs, valid_file)
    (folder / "sizes.json").write_text(json.dumps(recipe.sizes), encoding="utf-8")
    return train_pairs, valid_pairs
