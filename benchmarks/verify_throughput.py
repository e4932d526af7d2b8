"""Batch throughput: claims/s of `workbench verify` on 500 claims, old and new side by side.

    python benchmarks/verify_throughput.py [--claims 500] [--top-k 10] [--index DIR]
        [--stance-model PATH] [--old-ref REF] [--variants old,torch,onnx]

Variants, each `workbench verify` in its own child process on the same index and claims:
  old   - the code at --old-ref (default: the commit before ONNX Runtime and bm25s), extracted
          with `git archive` into a temporary folder: PyTorch, every evidence sentence scored;
  torch - this code with --backend torch; onnx-int8 - with --backend onnx-int8;
  onnx  - this code with its defaults (ONNX Runtime; evidence that cannot move the verdict is
          not scored).
Every variant uses the same stance model (--stance-model, default this checkout's
workbench/models/stance). Verdicts are compared with the old ones claim by claim.

Index: the pooled Climate-FEVER evidence corpus (5,240 Wikipedia sentences in 1,344 article
documents), built with the API into --index DIR (kept and reused) or a temporary folder.
Claims: the first --claims Climate-FEVER claims, written to a temporary CSV (id, claim).
The command `python -m workbench.cli verify CLAIMS.csv -o OUT.jsonl --index DIR --quiet` then
runs twice as a child process: once on 1 claim (start-up: Python, imports, both models) and
once on all claims. Reported: end-to-end claims/s of the full run (start-up included), the
steady-state rate (claims - 1) / (t_all - t_one), and the peak RSS of the full run
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss). About 2 minutes on a 2-core CPU plus the
index build (about 1 minute) when no --index is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import CLIMATE_FEVER, ROOT, climate_fever_rows, machine

OLD_REF = "e1df49d"  # main before issue 13: PyTorch stance and embeddings, FTS5 only


def old_code(tmp: Path, ref: str) -> Path:
    """The package as it was at ref (git archive), to run the old verify from."""
    folder = tmp / f"old-{ref}"
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "workbench"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_verify(
    claims: list[tuple[str, str]],
    index: Path,
    tmp: Path,
    stance: str | None,
    top_k: int,
    variant: str = "onnx",
    code: Path = ROOT,
):
    """Wall seconds, peak RSS (MiB) and results of one `workbench verify` child process."""
    path = tmp / f"claims-{len(claims)}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "claim"])
        writer.writerows(claims)
    out = tmp / f"out-{variant}-{len(claims)}.jsonl"
    command = [sys.executable, "-m", "workbench.cli", "verify", str(path), "-o", str(out)]
    command += ["--index", str(index), "--quiet", "--top-k", str(top_k)]
    command += ["--stance-model", stance or str(ROOT / "workbench" / "models" / "stance")]
    if variant in ("torch", "onnx-int8"):
        command += ["--backend", variant]
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_BACKEND"}
    env["PYTHONPATH"] = str(code)
    log = tmp / f"stderr-{variant}.txt"
    started = time.perf_counter()
    with open(log, "w") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=tmp)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"verify ({variant}) failed:\n{log.read_text()[-3000:]}")
    peak = usage.ru_maxrss / 1024
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    out.unlink()
    return seconds, round(peak, 1), results


def build_index(index: Path) -> int:
    """Index the pooled Climate-FEVER evidence (unchanged documents are skipped)."""
    from workbench.api import Workbench
    from workbench.evaluation.datasets import load_climate_fever

    _, corpus = load_climate_fever(CLIMATE_FEVER)
    with Workbench.open(index) as wb:
        wb.add_records(corpus.records, origin="climate-fever")
        return wb.store.count_sentences()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--top-k", type=int, default=10, help="evidence sentences per claim")
    parser.add_argument("--old-ref", default=OLD_REF, help="git ref of the old code")
    parser.add_argument("--variants", default="old,torch,onnx")
    parser.add_argument("--build-index", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_index is not None:  # child: keeps the models out of the parent's memory
        print(build_index(args.build_index))
        return
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]

    rows = climate_fever_rows()[: args.claims]
    claims = [(row["claim_id"], row["claim"]) for row in rows]
    with tempfile.TemporaryDirectory(prefix="wb-verify-") as tmp_name:
        tmp = Path(tmp_name)
        index = args.index or tmp / "index"
        started = time.perf_counter()
        built = subprocess.run(
            [sys.executable, __file__, "--build-index", str(index)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        sentences = int(built.stdout.strip().splitlines()[-1])
        build_s = time.perf_counter() - started
        runs, verdicts = [], {}
        for variant in variants:
            code = old_code(tmp, args.old_ref) if variant == "old" else ROOT
            common = (index, tmp, args.stance_model, args.top_k, variant, code)
            one_s, _, _ = run_verify(claims[:1], *common)
            all_s, peak, results = run_verify(claims, *common)
            steady = (len(claims) - 1) / (all_s - one_s) if all_s > one_s else None
            verdicts[variant] = {r["id"]: r["verdict"] for r in results}
            evidence = [e for r in results for e in r["evidence"]]
            runs.append(
                {
                    "variant": variant,
                    "results_written": len(results),
                    "seconds_one_claim": round(one_s, 2),
                    "seconds_all_claims": round(all_s, 2),
                    "claims_per_second_end_to_end": round(len(claims) / all_s, 2),
                    "claims_per_second_steady_state": round(steady, 2) if steady else None,
                    "stance_pairs_scored": sum(e.get("p_supports") is not None for e in evidence),
                    "evidence_items": len(evidence),
                    "peak_rss_mb": peak,
                }
            )
    reference = "old" if "old" in verdicts else "torch" if "torch" in verdicts else None
    for run in runs:
        if reference and run["variant"] != reference:
            ref, mine = verdicts[reference], verdicts[run["variant"]]
            same = sum(mine.get(k) == v for k, v in ref.items())
            run[f"verdicts_same_as_{reference}"] = round(same / max(len(ref), 1), 4)
    report = {
        "benchmark": "verify_throughput",
        "command": "python benchmarks/verify_throughput.py "
        f"--claims {args.claims} --top-k {args.top_k} --variants {','.join(variants)}",
        "old_ref": args.old_ref,
        "top_k": args.top_k,
        "index": "pooled Climate-FEVER evidence",
        "index_sentences": sentences,
        "index_build_seconds": round(build_s, 1),
        "claims": len(claims),
        "runs": runs,
        "target_claims_per_second": 10,
        "machine": machine(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
