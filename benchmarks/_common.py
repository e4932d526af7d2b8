"""Shared helpers for the benchmark scripts: real sentences and claims from ../shared/data,
machine description, percentiles and memory readings. Data is read in place, never copied."""

from __future__ import annotations

import ast
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CLIMATE_FEVER = DATA / "climate-fever" / "climate-fever.jsonl"
FEVER_EVIDENCE = (
    DATA
    / "nli"
    / "fever_evidence_pairs"
    / "GGKorn__fever-nli"
    / "data"
    / "vanilla_wiki_data"
    / "unsorted_vanilla_batched_wiki_data"
)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_PTB_RE = re.compile("|".join(re.escape(k) for k in _PTB))
_BEFORE = re.compile(r" ([.,;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_AFTER = re.compile(r"([(\[{$]) ")


def detokenize(text: str) -> str:
    """FEVER's Wikipedia sentences are PTB-tokenised; make them read like running text."""
    text = _PTB_RE.sub(lambda m: _PTB[m.group(0)], text)
    text = text.replace("``", '"').replace("''", '"')
    text = _BEFORE.sub(r"\1", text)
    return _AFTER.sub(r"\1", text).strip()


def climate_fever_rows() -> list[dict]:
    with open(CLIMATE_FEVER, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def climate_claims(n: int | None = None, offset: int = 0) -> list[str]:
    """Climate-FEVER claim texts in file order."""
    claims = [row["claim"] for row in climate_fever_rows()]
    return claims[offset : offset + n if n else None]


def wiki_sentences(limit: int | None = None) -> list[str]:
    """Distinct Wikipedia sentences: Climate-FEVER evidence (5,240), then FEVER train evidence
    (~34k, detokenised), in a fixed order. About 39,700 in all."""
    seen: dict[str, None] = {}
    for row in climate_fever_rows():
        for ev in row["evidences"]:
            seen.setdefault(" ".join(ev["evidence"].split()), None)
    csv.field_size_limit(sys.maxsize)
    for path in sorted(FEVER_EVIDENCE.glob("split_wiki_data_*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                raw = row.get("evidence") or ""
                if not raw.startswith("["):
                    continue
                try:
                    items = ast.literal_eval(raw)
                except (ValueError, SyntaxError):
                    continue
                for item in items:
                    text = detokenize(str(item))
                    if len(text) >= 20:
                        seen.setdefault(text, None)
                if limit and len(seen) >= limit:
                    return list(seen)[:limit]
    out = list(seen)
    return out[:limit] if limit else out


def machine() -> dict:
    """CPU model, core count, torch threads, Python and library versions."""
    info = {"cpus": os.cpu_count(), "python": platform.python_version()}
    info["load_average_1_5_15_min"] = [round(x, 2) for x in os.getloadavg()]  # others' work
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        info["cpu"] = platform.processor() or platform.machine()
    try:
        import faiss
        import sentence_transformers
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["sentence_transformers"] = sentence_transformers.__version__
        info["faiss"] = faiss.__version__
        import onnxruntime

        info["onnxruntime"] = onnxruntime.__version__
    except ImportError:
        pass
    return info


def percentiles(values_ms: list[float]) -> dict:
    """p50 / p95 / mean of a list of milliseconds, rounded."""
    import numpy as np

    if not values_ms:
        return {"n": 0}
    arr = np.asarray(values_ms, dtype=np.float64)
    return {
        "n": len(arr),
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
        "mean_ms": round(float(arr.mean()), 2),
    }


def rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size (resource.getrusage ru_maxrss, KiB on Linux) in MiB."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
