"""Sentence segmentation time versus text size: the capped splitter next to the old, uncapped one.

    python benchmarks/segment_scaling.py [--sizes 8000,16000,...] [--old-max 32000]
                                         [--patterns ok,a,prose] [--repeat 1]

pysbd's time grows with the square of the text it is given, and before the cap a long paragraph
without clear sentence boundaries reached it whole: `"ok. " * N` took 53 s at 128 KB and 215 s at
256 KB, inside the index's write lock. Now `segment` hands it pieces of at most
`MAX_PIECE_CHARS` characters (cut after the last sentence end of each window), so the time grows
linearly.

For each pattern and size the script times, in one process:
- `new`: `segment(text)`, exactly what `index add` and `/add_text` run;
- `old`: `segment(text, max_piece=len(text) + 1)`, the same code with the cap lifted, so pysbd
  gets the whole piece as it did before the fix. Only up to --old-max characters: it is
  quadratic (64 KB of "a. " alone takes about a minute).

Patterns: `ok` is the issue's `"ok. " * N`; `a` is `"a. " * N`, the slowest pattern for pysbd we
found; `prose` is the default corpus' text repeated as one paragraph (ordinary sentences, where
the cheap pre-split already keeps pieces small, so old and new should match).

Prints one JSON object: per pattern, one row per size with seconds and microseconds per
character for both (best of --repeat runs, after a warm-up), the speed-up, whether both produced
the same sentences (for `ok` they differ only in where a boundary-less run is cut: 1,000- versus
2,000-character pieces), and `new_exponent` / `old_exponent`: the slope of log(time) over
log(size), 1 for linear time and 2 for quadratic. The load average is recorded because timings
on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time

from _common import ROOT

from workbench.pipeline.segment import MAX_PIECE_CHARS, segment


def _prose() -> str:
    source = next((ROOT / "index" / "sources").glob("*.txt")).read_text(encoding="utf-8")
    lines = [line.strip() for line in source.splitlines()[1:] if line.strip()]
    return " ".join(lines) + " "


PATTERNS = {"ok": lambda: "ok. ", "a": lambda: "a. ", "prose": _prose}


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _time(text: str, repeat: int, **kwargs) -> tuple[float, list]:
    best, sentences = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        sentences = segment(text, **kwargs)
        best = min(best, time.perf_counter() - started)
    return best, sentences


def _exponent(rows: list[dict], key: str) -> float | None:
    """Least-squares slope of log(time) over log(size): 1 for linear time, 2 for quadratic."""
    points = [(math.log(r["chars"]), math.log(r[key])) for r in rows if r.get(key)]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="8000,16000,32000,64000,128000,256000,1000000")
    parser.add_argument("--old-max", type=int, default=32000, help="largest size for the old way")
    parser.add_argument("--patterns", default="ok,a,prose")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (best kept)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    segment("Warm up. The splitter compiles its rules on first use, Dr. Who said.")
    out: dict = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 1) for x in os.getloadavg()],
        "max_piece_chars": MAX_PIECE_CHARS,
        "old": "segment(text, max_piece=len(text) + 1): the cap lifted, as before the fix",
        "new": "segment(text)",
        "patterns": {},
    }
    for name in args.patterns.split(","):
        unit = PATTERNS[name]()
        rows = []
        for size in sizes:
            text = _text(unit, size)
            new_s, new_sentences = _time(text, args.repeat)
            row = {
                "chars": size,
                "new_s": round(new_s, 3),
                "new_us_per_char": round(new_s / size * 1e6, 2),
                "sentences": len(new_sentences),
            }
            if size <= args.old_max:
                old_s, old_sentences = _time(text, args.repeat, max_piece=size + 1)
                row.update(
                    old_s=round(old_s, 3),
                    old_us_per_char=round(old_s / size * 1e6, 2),
                    speedup=round(old_s / new_s, 1) if new_s else None,
                    same_sentences=old_sentences == new_sentences,
                )
            rows.append(row)
        out["patterns"][name] = {
            "rows": rows,
            "new_exponent": _exponent(rows, "new_s"),
            "old_exponent": _exponent(rows, "old_s"),
        }
        print(f"{name}: done", flush=True, file=sys.stderr)
    out["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
