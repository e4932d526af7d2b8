"""The stance model with and without the swap check (pipeline/consistency.py), on the same pairs.

Prints JSON: every eval-stance figure for both, side by side, and how many pairs the check
changed per set. Usage: python benchmarks/swap_check.py [--data ../shared/data] [--set NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.evaluation.stance import PROBES, SETS, _figures, evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--pairs-dir", type=Path, default=Path(".train"))
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--set", action="append", dest="sets")
    args = parser.parse_args()
    sets = tuple(args.sets or (SETS + PROBES))
    cache: dict = {}
    runs = {}
    for label, on in (("without_swap_check", False), ("with_swap_check", True)):
        print(f"{label} ...", file=sys.stderr)
        runs[label] = _figures(
            evaluate(args.stance_model, args.data, args.pairs_dir, sets, cache=cache, swap_check=on)
        )
    rows = {
        name: {label: runs[label].get(name) for label in runs}
        for name in runs["with_swap_check"]
        if not name.endswith("pairs/s")
    }
    print(json.dumps({"sets": list(sets), "figures": rows}, indent=2))


if __name__ == "__main__":
    main()
