"""Checking: a claim in, retrieved evidence judged by the stance model, a verdict out.

The rules of a check live here: what a claim may be (not empty, at most MAX_CLAIM_CHARS),
which evidence is "not scored" (relevance weight 0: it cannot move the verdict, so the stance
model never sees it), and the order evidence is shown in (score, then fused rank).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import numpy as np

from .defaults import MAX_CLAIM_CHARS, TOP_K
from .errors import WorkbenchError
from .factchecks.finder import PriorCheckFinder
from .indexing import ProgressCallback
from .model.dates import validate_date
from .model.evidence import Evidence, Hit
from .model.results import CheckResult
from .pipeline.embed import Embedder
from .pipeline.normalize import normalize_text
from .pipeline.retrieve import Retriever
from .pipeline.stance import StanceModel
from .pipeline.verdict import (
    NOT_SCORED,
    VerdictParams,
    evidence_score,
    explain,
    is_calibrated,
    relevance_weight,
    stance_label,
)
from .storage.store import Store

CHECK_CHUNK = 16  # claims whose stance pairs are scored in one batch


def as_text(claim: object) -> str:
    """A claim that could not be checked, as text safe to show and serialise (no surrogates)."""
    return "" if claim is None else normalize_text(str(claim))


def validate_claim(claim: object) -> str:
    """The claim as checked (normalised, stripped); WorkbenchError when empty or too long."""
    text = normalize_text(str(claim) if claim is not None else "").strip()
    if not text:
        raise WorkbenchError("The claim is empty; give a sentence to check.")
    if len(text) > MAX_CLAIM_CHARS:
        raise WorkbenchError(
            f"The claim is {len(text)} characters long, over the {MAX_CLAIM_CHARS}-character "
            "limit; check one statement at a time."
        )
    return text


def validate_top_k(top_k: int) -> None:
    if top_k < 1:
        raise WorkbenchError(f"top_k must be at least 1, not {top_k}.")


def parse_item(item: dict | str, index: int) -> tuple[str, str, str | None, str | None]:
    """(id, normalised claim, date, error) for one check_many input."""
    if isinstance(item, dict):
        raw_id = item.get("id")
        claim_id = str(raw_id) if raw_id is not None and str(raw_id) != "" else str(index + 1)
        claim, date = item.get("claim"), item.get("date")
        if item.get("error"):  # a line read_claims could not read
            return claim_id, as_text(claim), None, str(item["error"])
    else:
        claim_id, claim, date = str(index + 1), item, None
    try:
        return claim_id, validate_claim(claim), validate_date(date), None
    except WorkbenchError as exc:
        return claim_id, as_text(claim), None, f"Claim {claim_id}: {exc}"


def _where(hit: Hit) -> dict:
    """The passage fields of a hit, as Evidence takes them."""
    return {
        "doc_id": hit.doc_id,
        "title": hit.title,
        "date": hit.date,
        "source": hit.source,
        "sentence": hit.sentence,
        "start": hit.start,
        "end": hit.end,
        "context": hit.context,
    }


def judged_evidence(hit: Hit, probs: list[float], params: VerdictParams) -> Evidence:
    """A hit with its stance; a NaN row of probabilities is "not scored" evidence."""
    p_sup, p_ref, p_neu = probs
    if p_sup != p_sup:  # NaN: not scored (it could not move the verdict)
        return Evidence(
            **_where(hit),
            stance=NOT_SCORED,
            p_supports=None,
            p_refutes=None,
            p_neutral=None,
            score=0.0,
        )
    return Evidence(
        **_where(hit),
        stance=stance_label(p_sup, p_ref, p_neu),
        p_supports=round(p_sup, 4),
        p_refutes=round(p_ref, 4),
        p_neutral=round(p_neu, 4),
        score=round(evidence_score(p_sup, p_ref, hit.relevance, params), 4),
    )


class Checker:
    """Checks claims against one index with loaded models and fixed verdict parameters."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        stance: StanceModel,
        params: VerdictParams,
        prior: PriorCheckFinder | None = None,
    ) -> None:
        self.stance = stance
        self.params = params
        self.embedder = embedder
        self.retriever = Retriever(store, embedder)
        self.prior = prior  # earlier fact-checks of a claim (None: not looked up)

    def check(
        self,
        text: str,
        date: str | None,
        top_k: int = TOP_K,
        claim_id: str | None = None,
        score_all: bool = False,
    ) -> CheckResult:
        """One validated claim (see validate_claim, validate_date)."""
        return self.check_chunk([(claim_id, text, date, None)], top_k, None, score_all)[0]

    def check_chunk(
        self, chunk: list[tuple], top_k: int, retrieve_k: int | None, score_all: bool
    ) -> list[CheckResult]:
        """Results of parsed items (parse_item), in order; their stance pairs in one batch."""
        good = [c for c in chunk if c[3] is None]
        claims = [c[1] for c in good]
        vectors = self.embedder.encode(claims, progress=False) if claims else None
        retrieved = self.retriever.search_many(
            claims, top_k, [c[2] for c in good], keep=retrieve_k, vectors=vectors
        )
        prior = self.prior.find(claims, vectors) if self.prior and claims else [[] for _ in good]
        hits = [found[:top_k] for found in retrieved]
        probs = self.judge(claims, hits, score_all)
        by_id = {}
        for c, hs, found, p, seen in zip(good, hits, retrieved, probs, prior):
            by_id[id(c)] = self.result(c[0], c[1], c[2], hs, p)
            by_id[id(c)].previously_checked = seen
            if retrieve_k:
                by_id[id(c)].retrieved = found
        return [
            by_id.get(id(c)) or CheckResult(c[0], c[1], "NOT_ENOUGH_INFO", 0.0, [], c[2], c[3])
            for c in chunk
        ]

    def judge(self, claims: list[str], hits: list[list[Hit]], score_all: bool) -> list[np.ndarray]:
        """Stance probabilities of each claim's hits, all pairs in one batch.

        A sentence whose relevance weight is 0 adds nothing to either side of the verdict, so
        unless score_all its row is NaN ("not scored") and the stance model never sees it.
        """
        wanted = [
            (i, j)
            for i, found in enumerate(hits)
            for j, hit in enumerate(found)
            if score_all or relevance_weight(hit.relevance, self.params) > 0
        ]
        scored = self.stance.predict([(hits[i][j].sentence, claims[i]) for i, j in wanted])
        out = [np.full((len(found), 3), np.nan, dtype=np.float32) for found in hits]
        for (i, j), row in zip(wanted, scored):
            out[i][j] = row
        return out

    def result(
        self, claim_id, claim: str, date: str | None, hits: list[Hit], probs: np.ndarray
    ) -> CheckResult:
        """The verdict from the scored evidence; NaN rows of probs are "not scored" evidence."""
        rows = probs.tolist()
        evidence = [judged_evidence(hit, p, self.params) for hit, p in zip(hits, rows)]
        scored = [i for i, p in enumerate(rows) if p[0] == p[0]]  # NaN rows: not scored
        why = explain(
            [tuple(rows[i]) for i in scored],
            [hits[i].relevance for i in scored],
            self.params,
            getattr(self.stance, "verdict_model", None),
            [hits[i].doc_id for i in scored],
        )
        verdict, confidence = why["verdict"], why["confidence"]
        order = sorted(range(len(evidence)), key=lambda i: (-evidence[i].score, -hits[i].rrf))
        position = {hit_index: rank for rank, hit_index in enumerate(order)}
        text = why["text"]
        if hits and not scored:  # retrieved, but nothing related enough to weigh
            text = (
                f"{len(hits)} sentence{'s' * (len(hits) != 1)} retrieved, none related closely "
                f"enough to the claim to weigh (relevance below min_relevance = "
                f"{self.params.min_relevance:.2f}): nothing to decide on, so confidence 0."
            )
        basis = {
            "rule": why["rule"],
            "text": text,
            "deciding": [position[scored[k]] for k in why["deciding"]],
        }
        if "probabilities" in why:
            basis["probabilities"] = why["probabilities"]
        return CheckResult(
            id=None if claim_id is None else str(claim_id),
            claim=claim,
            verdict=verdict,
            confidence=confidence,
            evidence=[evidence[i] for i in order],
            date=date,
            confidence_calibrated=bool(scored) and is_calibrated(verdict, self.params),
            basis=basis,
        )


def check_many(
    make_checker,
    claims: Iterable[dict | str],
    progress: bool = False,
    progress_callback: ProgressCallback | None = None,
    top_k: int = TOP_K,
    retrieve_k: int | None = None,
    score_all: bool = False,
) -> Iterator[CheckResult]:
    """Results of claims in input order, CHECK_CHUNK claims per stance batch (Workbench.check_many).

    make_checker() loads the models once the progress bar is up (that can take seconds).
    """
    items = list(claims)

    def results() -> Iterator[CheckResult]:
        checker = make_checker()
        for start in range(0, len(items), CHECK_CHUNK):
            chunk = [
                parse_item(item, start + i)
                for i, item in enumerate(items[start : start + CHECK_CHUNK])
            ]
            yield from checker.check_chunk(chunk, top_k, retrieve_k, score_all)

    return with_progress(results(), len(items), progress, progress_callback)


def with_progress(
    results: Iterator[CheckResult],
    total: int,
    progress: bool = False,
    progress_callback: ProgressCallback | None = None,
) -> Iterator[CheckResult]:
    """The results as they come, with a tqdm bar on stderr (progress) and/or
    progress_callback(done, total, claim id) after each; the bar is up before the first
    result is computed (loading the models can take seconds)."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="Checking", unit="claim", file=sys.stderr)
    try:
        for done, result in enumerate(results, 1):
            if bar is not None:
                bar.update(1)
            if progress_callback is not None:
                progress_callback(done, total, str(result.id))
            yield result
    finally:
        if bar is not None:
            bar.close()
