"""Does a backend change the quality figures? eval-stance and Climate-FEVER eval per backend.

    python benchmarks/backend_eval.py [--backends torch,onnx,onnx-int8] [--data ../shared/data]
        [--index DIR] [--stance-model PATH] [--skip-stance-sets]

For each backend this runs, as child processes with WORKBENCH_BACKEND set,
  workbench eval-stance --json                     (the stance model's held-out sets), and
  workbench eval --dataset climate-fever --data ../shared/data/climate-fever/climate-fever.jsonl
      --index DIR --json --outcomes FILE            (the full pipeline, 1,535 claims),
then prints every figure side by side, each backend's largest loss against the first (torch),
the share of Climate-FEVER claims whose verdict equals torch's, and the rule of issue 13: int8
becomes the default only if it loses less than half a point (0.005) on every figure and keeps
at least 99 % of the verdicts (the issue's target for the default backend). The
Climate-FEVER index is built once (first backend) and reused, so every backend checks the same
index. Takes about 25 minutes on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

MAX_LOSS = 0.005  # half a point
MIN_SAME_VERDICTS = 0.99  # the default backend keeps 99 % of the PyTorch verdicts
LOWER_IS_BETTER = ("ece",)


def run(command: list[str], backend: str) -> dict:
    env = {**os.environ, "WORKBENCH_BACKEND": backend, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} ({backend}) failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout)
    out["_seconds"] = round(time.perf_counter() - started, 1)
    return out


def stance_figures(results: dict) -> dict[str, float]:
    figures = {}
    for name, m in results.items():
        if isinstance(m, dict) and "macro_f1" in m:
            figures[f"eval-stance {name}: accuracy"] = m["accuracy"]
            figures[f"eval-stance {name}: macro-F1"] = m["macro_f1"]
        elif name == "contrast_set" and isinstance(m, dict):
            figures["eval-stance contrast set: accuracy"] = m["accuracy"]
    return figures


def climate_figures(report: dict) -> dict[str, float]:
    figures = {}
    for part, where in (("all", report), ("dev", report.get("dev")), ("test", report.get("test"))):
        for key in ("accuracy", "macro_f1", "ece", "evidence_recall_at_5", "evidence_recall_at_10"):
            if isinstance(where, dict) and isinstance(where.get(key), (int, float)):
                figures[f"climate-fever {part}: {key}"] = where[key]
    return figures


def verdicts(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        return {str(r["id"]): r["verdict"] for r in map(json.loads, handle) if r}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--skip-stance-sets", action="store_true")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    cli = [sys.executable, "-m", "workbench.cli"]
    model = ["--stance-model", args.stance_model] if args.stance_model else []

    with tempfile.TemporaryDirectory(prefix="wb-backend-eval-") as tmp_name:
        tmp = Path(tmp_name)
        index = args.index or tmp / "cf-index"
        table: dict[str, dict[str, float]] = {}
        runs: dict[str, dict] = {}
        claims: dict[str, dict[str, str]] = {}
        for backend in backends:
            figures: dict[str, float] = {}
            seconds = {}
            if not args.skip_stance_sets:
                results = run([*cli, "eval-stance", "--json", *model], backend)
                figures.update(stance_figures(results))
                seconds["eval_stance"] = results["_seconds"]
            outcomes = tmp / f"outcomes-{backend}.jsonl"
            report = run(
                [
                    *cli,
                    "eval",
                    "--dataset",
                    "climate-fever",
                    "--data",
                    str(args.data / "climate-fever" / "climate-fever.jsonl"),
                    "--index",
                    str(index),
                    "--json",
                    "--quiet",
                    "--outcomes",
                    str(outcomes),
                    *model,
                ],
                backend,
            )
            figures.update(climate_figures(report))
            seconds["eval_climate_fever"] = report["_seconds"]
            seconds["climate_fever_claims_per_second"] = report.get("claims_per_second")
            claims[backend] = verdicts(outcomes)
            table[backend] = figures
            runs[backend] = {"seconds": seconds}
            print(json.dumps({backend: figures}), file=sys.stderr, flush=True)

    first = backends[0]
    for backend in backends[1:]:
        losses = {}
        for name, value in table[first].items():
            mine = table[backend].get(name)
            if mine is None:
                continue
            lower = any(tag in name for tag in LOWER_IS_BETTER)
            losses[name] = round((mine - value) if lower else (value - mine), 4)
        worst = max(losses, key=losses.get) if losses else None
        same = sum(claims[backend].get(k) == v for k, v in claims[first].items())
        runs[backend].update(
            {
                f"largest_loss_vs_{first}": {worst: losses[worst]} if worst else None,
                f"loses_under_half_a_point_everywhere_vs_{first}": all(
                    v < MAX_LOSS for v in losses.values()
                ),
                f"climate_fever_verdicts_same_as_{first}": round(
                    same / max(len(claims[first]), 1), 4
                ),
            }
        )
    decision = None
    if "onnx-int8" in runs and first == "torch":
        int8 = runs["onnx-int8"]
        quality = int8[f"loses_under_half_a_point_everywhere_vs_{first}"]
        same = int8[f"climate_fever_verdicts_same_as_{first}"] >= MIN_SAME_VERDICTS
        decision = (
            "onnx-int8 may be the default"
            if quality and same
            else "onnx-int8 stays opt-in: "
            + ("" if quality else "it loses half a point or more on a figure; ")
            + ("" if same else f"under {MIN_SAME_VERDICTS:.0%} of verdicts equal torch's")
        ).rstrip("; ")
    names = list(dict.fromkeys(n for t in table.values() for n in t))
    print(
        json.dumps(
            {
                "benchmark": "backend_eval",
                "command": f"python benchmarks/backend_eval.py --backends {','.join(backends)}"
                + (" --skip-stance-sets" if args.skip_stance_sets else ""),
                "stance_model": args.stance_model or str(ROOT / "workbench/models/stance"),
                "figures": {n: {b: table[b].get(n) for b in backends} for n in names},
                "runs": runs,
                "rule": f"int8 only if every figure loses < {MAX_LOSS} against torch and "
                f">= {MIN_SAME_VERDICTS:.0%} of the Climate-FEVER verdicts equal torch's",
                "decision": decision,
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
