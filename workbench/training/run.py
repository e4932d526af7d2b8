"""`workbench train-stance`: one stage of the recipe, from pair files to a complete model folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..pipeline.numbers import normalize_numbers
from .card import write_card
from .checkpoint import average_weights, read_weights
from .data import Pair
from .mix import load_or_build
from .recipe import recipe_for
from .trainer import train


def normalized(pairs: list[Pair]) -> list[Pair]:
    """Pairs with numbers written one way on both sides (pipeline/numbers.py)."""
    return [(normalize_numbers(p), normalize_numbers(h), label) for p, h, label in pairs]


def run(
    data_dir: Path,
    out_dir: Path,
    pairs_dir: Path | None = None,
    max_minutes: float | None = None,
    base_path: str | None = None,
    log: Callable[[str], None] = print,
    stage: int = 1,
    init: str | None = None,
) -> dict:
    """One stage of the recipe: build (or reuse) the pair files, train, write the model card.

    Every stage is validated on stage 1's held-out split, and stage 2 never trains on a claim
    of that split, so the stages can be compared.
    """
    pairs_dir = pairs_dir or Path(".train")
    stage1 = recipe_for(1)
    train_pairs, valid_pairs = load_or_build(data_dir, stage1, pairs_dir, log)
    recipe, previous = stage1, None
    if stage > 1:
        if not init or not (Path(init) / "config.json").exists():
            raise SystemExit(f"Stage {stage} continues from a stage-1 model: pass --init FOLDER.")
        recipe = recipe_for(stage)
        held = {h for _, h, _ in valid_pairs}
        folder = pairs_dir / f"stage{stage}"
        folder.mkdir(parents=True, exist_ok=True)
        train_pairs = [
            p for p in load_or_build(data_dir, recipe, folder, log)[0] if p[1] not in held
        ]
        card = Path(init) / "training.json"
        previous = json.loads(card.read_text(encoding="utf-8")) if card.exists() else None
    if recipe.normalize_numbers:  # as StanceModel does at check time
        train_pairs, valid_pairs = normalized(train_pairs), normalized(valid_pairs)
    # read before training: --out may be the --init folder itself
    init_weights = read_weights(init) if recipe.average_with_init else None
    result = train(train_pairs, valid_pairs, out_dir, recipe, base_path, max_minutes, log, init)
    if init_weights is not None:
        average_weights(out_dir, init_weights, recipe.average_with_init)
        log(f"weights averaged with {init}'s ({recipe.average_with_init:.0%} of them)")
        result["averaged_with_init"] = recipe.average_with_init
    result["train_pairs"], result["valid_pairs"] = len(train_pairs), len(valid_pairs)
    write_card(
        out_dir,
        recipe,
        result,
        {"validation": {"accuracy": result["valid_accuracy"], "n": len(valid_pairs)}},
        previous,
    )
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("workbench/models/stance"))
    parser.add_argument("--pairs-dir", type=Path, default=Path(".train"))
    parser.add_argument("--max-minutes", type=float, default=None)
    parser.add_argument("--stage", type=int, default=1, choices=(1, 2, 3, 4))
    parser.add_argument("--init", default=None)
    args = parser.parse_args()
    result = run(
        args.data, args.out, args.pairs_dir, args.max_minutes, stage=args.stage, init=args.init
    )
    print(json.dumps(result, indent=2))
