"""Running an evaluation: check gold claims through the full pipeline and build the report.

Two sources of gold data share one flow (evaluate()):

* Climate-FEVER (`workbench eval --dataset climate-fever --data FILE`): the evidence sentences
  of all claims, pooled and de-duplicated by (article, sentence), become an index with one
  document per Wikipedia article; every claim then goes through retrieval, stance and verdict
  with no gold evidence given. Claims are split by claim id parity into a dev half (even ids,
  the only data thresholds may be tuned on) and a test half (odd ids).
* Any labelled claims file (`workbench eval --claims FILE --index DIR`): id, claim, label,
  optional date and optional gold evidence sentences.

Accuracy, macro-F1, ECE and the per-label F1 are over SUPPORTED / REFUTED / NOT_ENOUGH_INFO (a
CONFLICTING prediction for such a claim counts as wrong); gold CONFLICTING claims are apart.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..api import Workbench
from ..defaults import TOP_K
from ..errors import WorkbenchError
from ..pipeline.verdict import VerdictParams
from .datasets import (
    FEVER_SPLIT_RULE,
    FILE_SPLIT,
    SPLIT_RULE,
    Corpus,
    GoldClaim,
    load_claims_file,
    load_climate_fever,
    load_fever,
    text_matcher,
)
from .metrics import RECALL_KS, split_reports
from .outcomes import Outcome, write_outcomes
from .thresholds import save_tuned, tuning_report

CHUNK = 64  # claims checked per check_many call (progress granularity)


@dataclass
class EvalOptions:
    """How to run an evaluation (the same for Climate-FEVER and for a claims file)."""

    index_dir: str | os.PathLike | None = None  # None: a temporary index (Climate-FEVER only)
    model: str | None = None
    stance_model: str | None = None
    top_k: int = TOP_K
    limit: int | None = None  # only the first N claims
    tune: bool = False  # fit thresholds on the dev half, report them on the test half
    calibrate: bool = False  # fit only the confidence calibration (keep the thresholds)
    save_params: bool = False  # with tune: keep the tuned thresholds in the index
    params: VerdictParams | None = None  # None: the index's own thresholds
    outcomes_path: str | os.PathLike | None = None  # one JSON line per claim
    progress: Callable[[str], None] | None = None
    pairs_dir: str | os.PathLike = ".train"  # fever: where the seen-claims list is cached


def run_claims(
    wb: Workbench,
    claims: list[GoldClaim],
    corpus: Corpus | None = None,
    top_k: int = TOP_K,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Check every claim through the full pipeline and record what was retrieved and decided.

    One retrieval per claim: check_many keeps the deeper list recall@k needs (retrieve_k); its
    first top_k sentences are the ones the stance model judged.
    """
    outcomes: list[Outcome] = []
    depth = max(top_k, max(RECALL_KS))
    for start in range(0, len(claims), CHUNK):
        chunk = claims[start : start + CHUNK]
        items = [{"id": c.id, "claim": c.claim, "date": c.date} for c in chunk]
        # every judged sentence is scored: tuning re-decides them under other thresholds
        results = wb.check_many(items, top_k=top_k, retrieve_k=depth, score_all=True)
        for gold, result in zip(chunk, results, strict=True):
            if result.error:
                raise WorkbenchError(result.error)
            hits = result.retrieved
            if corpus is not None:
                retrieved = [corpus.key_at(h.doc_id, h.start) for h in hits]
            else:
                match = text_matcher(gold.evidence)
                retrieved = [match(h.sentence) for h in hits]
            stance = {(e.doc_id, e.start): e for e in result.evidence}
            probs, cosines, documents = [], [], []
            for h in hits[:top_k]:
                ev = stance.get((h.doc_id, h.start))
                if ev is not None:
                    probs.append((ev.p_supports, ev.p_refutes, ev.p_neutral))
                    cosines.append(h.relevance)
                    documents.append(h.doc_id)
            outcomes.append(
                Outcome(
                    id=gold.id,
                    gold=gold.label,
                    verdict=result.verdict,
                    confidence=float(result.confidence),
                    split=gold.split,
                    retrieved=retrieved,
                    relevant=list(gold.evidence),
                    probs=probs,
                    cosines=cosines,
                    documents=documents,
                )
            )
        if progress is not None:
            progress(min(start + CHUNK, len(claims)), len(claims))
    return outcomes


def _check_and_report(
    wb: Workbench,
    claims: list[GoldClaim],
    corpus: Corpus | None,
    options: EvalOptions,
    source: str,
    rule: str = FILE_SPLIT,
) -> tuple[dict, list[Outcome]]:
    """The part both flows share: check, time, tune (and save), the common report keys."""
    say = options.progress or (lambda message: None)
    if options.params is not None:
        wb.params = options.params
    say(f"Checking {len(claims)} claims against {wb.index_dir} ...")
    started = time.perf_counter()
    outcomes = run_claims(
        wb, claims, corpus, options.top_k, lambda done, total: say(f"  {done}/{total} claims")
    )
    check_s = time.perf_counter() - started
    stats = wb.stats()
    used = wb.params
    tuning = None
    if options.tune or options.calibrate:
        tuning = tuning_report(outcomes, keep=None if options.tune else used)
    if options.save_params:
        save_tuned(wb, tuning, source, rule)
    report = {
        "indexed_sentences": stats["sentences"],
        **split_reports(outcomes),
        "verdict_params": used.to_dict(),
        "top_k": options.top_k,
        "check_seconds": round(check_s, 1),
        "claims_per_second": round(len(outcomes) / check_s, 2) if check_s else None,
        "embedding_model": stats["embedding_model"],
        "stance_model": stats["stance_model"],
    }
    if tuning is not None:
        report["tuning"] = tuning
    if options.outcomes_path:
        write_outcomes(outcomes, options.outcomes_path)
    return report, outcomes


def evaluate_dataset(
    name: str, data: str | os.PathLike, split: str, options: EvalOptions
) -> tuple[dict, list[Outcome]]:
    """Build (or reuse) the pooled index of a gold data set (climate-fever, fever), check its
    claims, return the report and the outcomes."""
    if options.save_params and not ((options.tune or options.calibrate) and options.index_dir):
        raise WorkbenchError(
            "--save-params needs --tune or --calibrate and an --index folder to save into."
        )
    say = options.progress or (lambda message: None)
    if name == "fever":
        from ..training.verdict_data import stance_seen_claims

        say("Reading the held-out FEVER claims ...")
        seen = stance_seen_claims(Path(data), Path(options.pairs_dir), log=say)
        claims, corpus = load_fever(data, seen=seen)
        rule = FEVER_SPLIT_RULE
    else:
        claims, corpus = load_climate_fever(data)
        rule = SPLIT_RULE
    if split != "all":
        claims = [c for c in claims if c.split == split]
    if options.limit:
        claims = claims[: options.limit]
    with tempfile.TemporaryDirectory(prefix="workbench-eval-") as tmp:
        folder = Path(options.index_dir) if options.index_dir else Path(tmp) / "index"
        with Workbench.open(folder, model=options.model, stance_model=options.stance_model) as wb:
            say(f"Indexing {corpus.n_sentences} evidence sentences into {folder} ...")
            started = time.perf_counter()
            added = wb.add_records(corpus.records, origin=name)
            index_s = time.perf_counter() - started
            stale = set(d.doc_id for d in wb.documents()) - set(corpus.spans)
            if stale:
                raise WorkbenchError(
                    f"The index {folder} holds documents that are not {name} evidence; "
                    "give an empty --index folder (or none, for a temporary one)."
                )
            report, outcomes = _check_and_report(wb, claims, corpus, options, name, rule)
    head = {
        "dataset": name,
        "data": str(data),
        "split_rule": rule,
        "split": split,
        "corpus_documents": len(corpus.records),
        "corpus_sentences": corpus.n_sentences,
        "index_seconds": round(index_s, 1),
        "index_added_documents": len(added.added) + len(added.updated),
    }
    return {**head, **report}, outcomes


def evaluate_climate_fever(data: str | os.PathLike, split: str, options: EvalOptions) -> dict:
    """Climate-FEVER end to end (see evaluate_dataset)."""
    return evaluate_dataset("climate-fever", data, split, options)[0]


def evaluate_claims_file(claims_file: str | os.PathLike, options: EvalOptions) -> dict:
    """Check a labelled claims file against an existing index and return the report.

    With options.tune (or .calibrate) the file is split into halves (FILE_SPLIT): thresholds
    and calibration (or the calibration alone) are fitted on the dev half and reported on the
    test half.
    """
    if options.save_params and not (options.tune or options.calibrate):
        raise WorkbenchError("--save-params needs --tune or --calibrate.")
    claims = load_claims_file(claims_file)
    if options.limit:
        claims = claims[: options.limit]
    if options.tune or options.calibrate:
        claims = [replace(c, split="dev" if i % 2 == 0 else "test") for i, c in enumerate(claims)]
    index_dir = options.index_dir or "index"
    with Workbench.open(
        index_dir, model=options.model, stance_model=options.stance_model, create=False
    ) as wb:
        report, _ = _check_and_report(wb, claims, None, options, f"claims file {claims_file}")
    report = {"claims_file": str(claims_file), "index": str(index_dir), **report}
    if not any(c.evidence for c in claims):
        report["evidence_recall_note"] = "no gold evidence in the claims file"
    if options.tune or options.calibrate:
        report["split_rule"] = FILE_SPLIT
    return report
