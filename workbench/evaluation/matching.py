"""eval-matching: how well previously fact-checked claims are found (CLEF 2020 CheckThat! Task 2).

Reads the organisers' release (``data/v3.zip`` or its unpacked ``v3.0`` folder) from the
shared data folder: ``verified_claims.docs.tsv`` (the fact-checks), and per split a
``tweets.queries.tsv`` and a TREC qrels file. Reports the task's MAP@5 with MRR, Recall@1 and
Recall@5 for the workbench's matcher and, measured in the same run, plain BM25 over the raw
tweet (the organisers' baseline).
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError

RELEASE = "clef2020-task2/sshaar__clef2020-factchecking-task2/data/v3.zip"
SPLITS = ("train", "dev")
DEPTH = 5


class MatchingDataError(WorkbenchError):
    """The claim-matching data is missing or not in the CLEF 2020 Task 2 format."""


@dataclass
class Split:
    name: str
    queries: dict[str, str]  # query id -> tweet text
    relevant: dict[str, set[str]]  # query id -> relevant verified-claim ids


@dataclass
class Collection:
    ids: list[str]
    claims: list[str]
    titles: list[str]


def _tsv(text: str, what: str) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise MatchingDataError(f"{what} is empty; give a CLEF 2020 Task 2 TSV file.")
    return rows[1:]  # header (its first field is empty)


class Release:
    """The files of one release, read from the zip or from an unpacked folder."""

    def __init__(self, data: str | Path):
        path = Path(data)
        self.zip: zipfile.ZipFile | None = None
        self.root: Path | None = None
        archive = path if path.is_file() else path / RELEASE
        if archive.is_file():
            if not zipfile.is_zipfile(archive):
                raise MatchingDataError(f"{archive} is not a zip file; give the release's v3.zip.")
            self.zip = zipfile.ZipFile(archive)
        elif (path / "v3.0" / "verified_claims.docs.tsv").is_file():
            self.root = path / "v3.0"
        elif (path / "verified_claims.docs.tsv").is_file():
            self.root = path
        else:
            raise MatchingDataError(
                f"No CLEF 2020 Task 2 data in {path}: expected {RELEASE} or a v3.0 folder with "
                "verified_claims.docs.tsv; give --data the shared claim-matching folder."
            )

    def read(self, name: str) -> str:
        try:
            if self.zip is not None:
                return self.zip.read(f"v3.0/{name}").decode("utf-8")
            return (self.root / name).read_text(encoding="utf-8")
        except (KeyError, OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            where = self.zip.filename if self.zip is not None else self.root
            raise MatchingDataError(
                f"Cannot read v3.0/{name} from {where} ({type(exc).__name__}); give the "
                "unchanged CLEF 2020 Task 2 release."
            ) from None

    def collection(self) -> Collection:
        ids, claims, titles = [], [], []
        for row in _tsv(self.read("verified_claims.docs.tsv"), "verified_claims.docs.tsv"):
            if len(row) >= 2:
                ids.append(row[0])
                claims.append(row[1])
                titles.append(row[2] if len(row) > 2 else "")
        if not ids:
            raise MatchingDataError("verified_claims.docs.tsv holds no claims; give the release.")
        return Collection(ids, claims, titles)

    def splits(self) -> list[Split]:
        """Train and dev, each as the organisers released it."""
        return [self.split(name) for name in SPLITS]

    def split(self, name: str) -> Split:
        return parse_split(
            name,
            self.read(f"{name}/tweets.queries.tsv"),
            self.read(f"{name}/tweet-vclaim-pairs.qrels"),
        )


def parse_split(name: str, queries_tsv: str, qrels: str) -> Split:
    """A split from the text of its queries TSV and its TREC qrels (``qid 0 docid rel``)."""
    queries = {row[0]: row[1] for row in _tsv(queries_tsv, f"{name} queries") if len(row) >= 2}
    relevant: dict[str, set[str]] = {}
    for number, line in enumerate(qrels.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise MatchingDataError(
                f"Line {number} of the {name} qrels is not 'query 0 claim relevance': {line!r}."
            )
        if parts[3] != "0":
            relevant.setdefault(parts[0], set()).add(parts[2])
    missing = [q for q in relevant if q not in queries]
    if missing:
        raise MatchingDataError(
            f"The {name} qrels name {len(missing)} queries not in the queries file "
            f"(first: {missing[0]}); give the qrels that belong to it."
        )
    return Split(name, {q: queries[q] for q in relevant}, relevant)


def scores(rankings: Sequence[Sequence[str]], relevant: Sequence[set[str]]) -> dict[str, float]:
    """MAP@5 (CLEF 2020 Task 2's official measure), MRR, Recall@1 and Recall@5 over queries."""
    ap, rr, r1, r5 = [], [], [], []
    for ranking, gold in zip(rankings, relevant):
        hits, precision_sum, first = 0, 0.0, None
        for rank, item in enumerate(ranking[:DEPTH], start=1):
            if item in gold:
                hits += 1
                precision_sum += hits / rank
                first = first or rank
        ap.append(precision_sum / min(len(gold), DEPTH))
        rr.append(1.0 / first if first else 0.0)
        r1.append(len(gold & set(ranking[:1])) / len(gold))
        r5.append(len(gold & set(ranking[:DEPTH])) / len(gold))
    mean = lambda xs: round(float(np.mean(xs)), 4) if xs else 0.0  # noqa: E731
    return {"map@5": mean(ap), "mrr": mean(rr), "recall@1": mean(r1), "recall@5": mean(r5)}


def evaluate_splits(
    collection: Collection,
    splits: Iterable[Split],
    model: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> dict:
    """Scores of the matcher and of plain BM25 per split, with the settings that produced them."""
    from ..factchecks.matching import ClaimMatcher, fact_check_text
    from ..pipeline.embed import Embedder

    splits = list(splits)
    known = set(collection.ids)
    for split in splits:
        unknown = sorted({c for gold in split.relevant.values() for c in gold} - known)
        if unknown:
            raise MatchingDataError(
                f"The {split.name} qrels name {len(unknown)} claims not in "
                f"verified_claims.docs.tsv (first: {unknown[0]}); give qrels for this release."
            )
    embedder = Embedder(model)
    texts = [fact_check_text(c, t) for c, t in zip(collection.claims, collection.titles)]
    log(f"Embedding {len(texts)} fact-checked claims with {embedder.name} (minutes on a CPU)...")
    matcher = ClaimMatcher(texts, embedder.encode(texts), embedder)
    plain = ClaimMatcher(collection.claims, np.zeros((len(texts), 1), np.float32), None, 0.0)
    report: dict = {
        "data": "CLEF 2020 CheckThat! Task 2 (v3.0)",
        "fact_checks": len(texts),
        "method": {"dense_weight": matcher.dense_weight, "model": embedder.name},
        "splits": {},
    }
    for split in splits:
        ids = list(split.queries)
        gold = [split.relevant[q] for q in ids]
        tweets = [split.queries[q] for q in ids]
        log(f"Ranking {len(ids)} {split.name} tweets...")
        ranked = matcher.rank(tweets, DEPTH)
        bm25 = [np.argsort(-plain.bm25_scores(t), kind="stable")[:DEPTH] for t in tweets]
        report["splits"][split.name] = {
            "queries": len(ids),
            "matcher": scores([[collection.ids[m.index] for m in r] for r in ranked], gold),
            "bm25": scores([[collection.ids[i] for i in r] for r in bm25], gold),
        }
    return report


def format_report(report: dict) -> str:
    lines = [
        f"{report['data']}: {report['fact_checks']} fact-checked claims; "
        f"dense weight {report['method']['dense_weight']}",
        f"{'split':<8}{'method':<10}{'MAP@5':>8}{'MRR':>8}{'R@1':>8}{'R@5':>8}",
    ]
    for name, split in report["splits"].items():
        for method in ("matcher", "bm25"):
            s = split[method]
            lines.append(
                f"{name:<8}{method:<10}{s['map@5']:>8.3f}{s['mrr']:>8.3f}"
                f"{s['recall@1']:>8.3f}{s['recall@5']:>8.3f}"
            )
    return "\n".join(lines)
