"""Claim extraction throughput on a 100 kB article (target: under 5 s on the 2-core CPU).

    python benchmarks/extract_throughput.py [--kb 100] [--repeats 3] [--model DIR]...

The article is the example corpus article (index/sources/) repeated, paragraph by paragraph, to
the size asked, in a scratch folder. `load_s` is loading the check-worthiness head and the
bundled encoder once (a process cost); `extract_s` is `extract_claims` + writing the claims CSV
(read, segment, embed, score, stand-alone, write), best and median of the repeats. Prints JSON;
with several --model folders (an old and a new check-worthiness model), one entry per folder,
measured in turn in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]


def make_article(folder: Path, kilobytes: int) -> Path:
    seed = next((ROOT / "index" / "sources").glob("*.txt")).read_text(encoding="utf-8")
    date, _, body = seed.partition("\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    parts, size, n = [], 0, 0
    while size < kilobytes * 1000:
        paragraph = paragraphs[n % len(paragraphs)]
        parts.append(paragraph)
        size += len(paragraph.encode()) + 2
        n += 1
    path = folder / "article.txt"
    path.write_text(date + "\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", action="append", help="a check-worthiness model folder")
    args = parser.parse_args()

    folders = args.model or [None]
    with tempfile.TemporaryDirectory() as scratch:
        article = make_article(Path(scratch), args.kb)
        results = [measure(article, Path(scratch), folder, args.repeats) for folder in folders]
    print(json.dumps(results[0] if len(results) == 1 else results, indent=2))


def measure(article: Path, scratch: Path, folder: str | None, repeats: int) -> dict:
    from workbench.checkworthy.extract import extract_claims, score_file, write_claims
    from workbench.checkworthy.model import load_model

    started = time.perf_counter()
    model = load_model(folder)
    model.score(["Warm-up sentence of 12 words."])
    load_s = time.perf_counter() - started
    times, claims = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        claims = extract_claims([article], model=model)
        write_claims(claims, scratch / "claims.csv")
        times.append(time.perf_counter() - started)
    return {
        "model": folder or "workbench/models/checkworthy",
        "model_format": model.config["format"],
        "article_bytes": article.stat().st_size,
        "sentences": len(score_file(article, model)),
        "claims": len(claims),
        "load_s": round(load_s, 2),
        "extract_s_best": round(min(times), 2),
        "extract_s_median": round(statistics.median(times), 2),
        "target_s": 5.0,
        "meets_target": min(times) < 5.0,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
