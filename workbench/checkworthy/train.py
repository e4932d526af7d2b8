"""Make the shipped model: `workbench train-checkworthy --data DIR --out FOLDER` (or
`python -m workbench.checkworthy.train`, the same recipe)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .card import model_card
from .evaluate import evaluate, format_report
from .recipe import train


def main(argv: list[str] | None = None, command: str | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="folder holding claimbuster/ and ct24/")
    parser.add_argument("--out", required=True, help="model folder to write")
    parser.add_argument("--cache", help="scratch .npz for the training embeddings")
    args = parser.parse_args(argv)
    model, training = train(args.data, Path(args.cache) if args.cache else None)
    report = evaluate(args.data, model=model)
    command = command or "python -m workbench.checkworthy.train " + " ".join(argv or sys.argv[1:])
    model.save(args.out, model_card(model.config, training, report, command))
    print(json.dumps({"training": training, "evaluation": report}, indent=2))
    print(format_report(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
