"""Make a check-worthiness model: `workbench train-checkworthy --data DIR --out FOLDER
[--recipe head|fine-tune]` (or `python -m workbench.checkworthy.train`, the same recipes)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .card import model_card
from .evaluate import evaluate, format_report

RECIPES = ("head", "fine-tune")


def main(argv: list[str] | None = None, command: str | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="folder holding claimbuster/ and ct24/")
    parser.add_argument("--out", required=True, help="model folder to write")
    parser.add_argument("--recipe", choices=RECIPES, default="head")
    parser.add_argument("--cache", help="head: scratch .npz for the training embeddings")
    parser.add_argument("--scratch", help="fine-tune: scratch folder for each fold's scores")
    args = parser.parse_args(argv)
    if args.recipe == "fine-tune":
        from .finetune import train

        model, training = train(args.data, Path(args.scratch) if args.scratch else None)
    else:
        from .recipe import train

        model, training = train(args.data, Path(args.cache) if args.cache else None)
    report = evaluate(args.data, model=model)
    command = command or "python -m workbench.checkworthy.train " + " ".join(argv or sys.argv[1:])
    model.save(args.out, model_card(model.config, training, report, command))
    print(json.dumps({"training": training, "evaluation": report}, indent=2))
    print(format_report(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
