"""The Python API: open an index, add documents, search, check one claim or many.

Data flows one way - ingest -> segment -> embed -> store -> retrieve -> stance -> verdict - and
this module only orchestrates the stages. The CLI and the UI are thin shells over Workbench.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .errors import WorkbenchError
from .evidence import Evidence, Hit
from .pipeline import ingest
from .pipeline.backends import resolve
from .pipeline.embed import DEFAULT_MODEL, Embedder, canonical_model_name
from .pipeline.normalize import normalize_text
from .pipeline.retrieve import Retriever
from .pipeline.segment import Sentence, segment
from .pipeline.stance import DEFAULT_STANCE_PATH, StanceModel
from .pipeline.verdict import (
    DEFAULT_PARAMS,
    NOT_SCORED,
    VerdictParams,
    decide,
    evidence_score,
    is_calibrated,
    relevance_weight,
    stance_label,
)
from .storage.store import Document, DocumentInfo, Store

ProgressCallback = Callable[[int, "int | None", str], None]
EMBED_CHUNK = 512  # sentences embedded (and committed) together while adding
PARAMS_SETTING = "verdict_params"  # key of the index's own verdict thresholds (meta table)
CHECK_CHUNK = 16  # claims whose stance pairs are scored in one batch
PROGRESS_MIN_FILES = 5  # fewer files: no per-file bar (a long single file gets an embedding bar)
SOURCES_FOLDER = "sources"  # <index>/sources/: documents an empty index is built from


@dataclass
class AddReport:
    """What an add did: doc ids added, updated (content changed), unchanged; error sentences."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        )
        return text + (f", {len(self.errors)} skipped with errors" if self.errors else "")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Prepared:
    """A document read elsewhere (a Ray worker), with its sentences and vectors when it was
    segmented and embedded there too; add_prepared stores it through the one writer path."""

    doc: ingest.SourceDocument
    sentences: list[Sentence] | None = None
    vectors: np.ndarray | None = None  # one row per sentence


@dataclass
class CheckResult:
    """The verdict on one claim; .to_dict() is the output contract (see README)."""

    id: str | None
    claim: str
    verdict: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    date: str | None = None  # the claim's date: evidence is from documents dated on/before it
    error: str | None = None  # set (and verdict NOT_ENOUGH_INFO) only by check_many on bad input
    # True when the confidence went through a calibration fitted on this corpus's labelled
    # claims (eval --tune --save-params): then it estimates how often such a verdict is right
    confidence_calibrated: bool = False
    # every retrieved sentence in retrieval order (check_many with retrieve_k), not in to_dict
    retrieved: list[Hit] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "claim": self.claim,
            "date": self.date,
            "verdict": self.verdict,
            "confidence": self.confidence,
            "confidence_calibrated": self.confidence_calibrated,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.error:
            out["error"] = self.error
        return out


def embedding_text(doc: ingest.SourceDocument, sentence: str) -> str:
    """What is embedded for a sentence: "title: sentence" when the document has a real title.

    The title supplies the context a lone sentence lacks (what "it" is, which topic): on the
    Climate-FEVER dev half it raised dense recall@5 from 0.33 to 0.35 and fused recall@5 from
    0.39 to 0.41 (README, Evaluation). A stand-in title (the text's first line, used when a
    document has none) adds nothing but that line, so such documents embed the bare sentence,
    as does a sentence that starts with the title. Only the vector changes: stored, shown and
    stance-scored text is the bare sentence.
    """
    title = (doc.title or "").strip()
    if not title or title == ingest.fallback_title(doc.text) or sentence.startswith(title):
        return sentence
    return f"{title}: {sentence}"


def _validate_date(date: str | None) -> str | None:
    if date is None or not str(date).strip():
        return None
    parsed = ingest.parse_date(date)
    if parsed is None or len(str(date).strip()) != 10:
        raise WorkbenchError(f"The date '{date}' is not a valid YYYY-MM-DD date.")
    return parsed


MAX_CLAIM_CHARS = 2000


def _disk_full(exc: BaseException) -> bool:
    """Whether an error from SQLite, FAISS or the file system means the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    text = str(exc)
    return "database or disk is full" in text or "No space left on device" in text


@contextlib.contextmanager
def _first_error_reported(index_dir: Path) -> Iterator[None]:
    """A full disk during a write is said as such (SQLite's "database or disk is full", or
    FAISS's write error, which would otherwise read as a bug to report)."""
    try:
        yield
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        if not _disk_full(exc):
            raise
        detail = "database or disk is full" if "disk is full" in str(exc) else "no space left"
        raise WorkbenchError(
            f"The disk holding the index {index_dir} is full ({detail}); free some space and run "
            "the same command again: what was committed is kept and unchanged files are skipped."
        ) from exc


def _as_text(claim: object) -> str:
    """A claim that could not be checked, as text safe to show and serialise (no surrogates)."""
    return "" if claim is None else normalize_text(str(claim))


def _validate_claim(claim: object) -> str:
    text = normalize_text(str(claim) if claim is not None else "").strip()
    if not text:
        raise WorkbenchError("The claim is empty; give a sentence to check.")
    if len(text) > MAX_CLAIM_CHARS:
        raise WorkbenchError(
            f"The claim is {len(text)} characters long, over the {MAX_CLAIM_CHARS}-character "
            "limit; check one statement at a time."
        )
    return text


class Workbench:
    """An evidence index on disk plus the models that check claims against it."""

    def __init__(
        self,
        store: Store,
        model: str,
        stance_model: str | None = None,
        params: VerdictParams = DEFAULT_PARAMS,
        backend: str | None = None,
    ):
        self.store = store
        self.model_name = model
        self.stance_model_name = stance_model
        self.params = params
        self.backend = backend  # None: $WORKBENCH_BACKEND, else the default (pipeline/backends)
        self._embedder: Embedder | None = None
        self._stance: StanceModel | None = None
        self._load_lock = threading.Lock()  # models are loaded once, by one thread

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike = "index",
        model: str | None = None,
        stance_model: str | None = None,
        create: bool = True,
        params: VerdictParams | None = None,
        backend: str | None = None,
    ) -> Workbench:
        """Open (or create) the index in index_dir.

        model: embedding model name or folder; None = the one the index was built with (the
        default all-MiniLM-L6-v2 for a new index). A different model than the index's is an
        error. stance_model: CrossEncoder name or folder; None = workbench/models/stance/.
        params: verdict thresholds; None = those saved in the index (save_params), else the
        defaults. backend: how the models run, "torch", "onnx" or "onnx-int8"; None =
        $WORKBENCH_BACKEND, else ONNX Runtime. Raises WorkbenchError with a one-sentence message.
        """
        if backend is not None:
            resolve(backend)  # an unknown name fails here, before anything is opened
        store = Store(index_dir, create=create)
        try:
            stored = store.model or cls._manifest_model(store)
            requested = canonical_model_name(model) if model else None
            if stored and requested and requested != stored and store.count_documents() > 0:
                raise WorkbenchError(
                    f"The index in {store.dir} was built with embedding model '{stored}' (see "
                    f"{store.manifest_path.name}), not '{requested}'; open it without --model, "
                    "or build a separate index for the new model with --index OTHER_DIR."
                )
            name = requested or stored or DEFAULT_MODEL
            if store.model != name:
                store.set_model(name, None if name != stored else store.dimension)
            if params is None:
                params = cls._saved_params(store) or DEFAULT_PARAMS
        except BaseException:
            store.close()
            raise
        return cls(store, name, str(stance_model) if stance_model else None, params, backend)

    @staticmethod
    def _saved_params(store: Store) -> VerdictParams | None:
        saved = store.get_setting(PARAMS_SETTING)
        if saved is None:
            return None
        return VerdictParams.from_dict(
            saved.get("params"), f"verdict parameters saved in {store.db_path}"
        )

    # -- verdict thresholds -------------------------------------------------------------
    def save_params(self, params: VerdictParams, provenance: dict | None = None) -> None:
        """Make params this index's verdict thresholds (kept in its database) and use them.

        provenance says where they came from (e.g. the tuning run); it is shown by stats().
        """
        params = VerdictParams.from_dict(params.to_dict())
        record = {"params": params.to_dict(), "provenance": provenance or {}}
        self.store.set_setting(PARAMS_SETTING, record)
        self.params = params

    def reset_params(self) -> None:
        """Forget this index's saved thresholds and use the built-in defaults again."""
        self.store.set_setting(PARAMS_SETTING, None)
        self.params = DEFAULT_PARAMS

    @staticmethod
    def _manifest_model(store: Store) -> str | None:
        return store.read_manifest().get("embedding_model")

    def close(self) -> None:
        with self.store.writing():  # waits for a running add/remove to finish
            self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- properties -----------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.store.dir

    @property
    def db_path(self) -> Path:
        """The SQLite file; other modules (e.g. reviews) may keep their own tables in it."""
        return self.store.db_path

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use and checked against the index dimension."""
        if self._embedder is None:
            with self._load_lock:
                if self._embedder is None:
                    embedder = Embedder(self.model_name, backend=self.backend)
                    dim = embedder.dimension
                    if self.store.dimension is None:
                        self.store.set_model(self.model_name, dim)
                    elif self.store.dimension != dim:
                        raise WorkbenchError(
                            f"Embedding model '{self.model_name}' gives {dim}-dimensional vectors "
                            f"but the index in {self.index_dir} holds {self.store.dimension}-"
                            "dimensional ones; use the index's own model or a new --index folder."
                        )
                    self._embedder = embedder
        return self._embedder

    @property
    def stance(self) -> StanceModel:
        """The stance model, loaded on first use (WorkbenchError when none is installed)."""
        if self._stance is None:
            with self._load_lock:
                if self._stance is None:
                    self._stance = StanceModel(self.stance_model_name, backend=self.backend)
        return self._stance

    # -- adding and removing ----------------------------------------------------------------
    def add(
        self,
        paths: list[str | os.PathLike] | str | os.PathLike,
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
    ) -> AddReport:
        """Index files and folders (recursive). Unchanged files are skipped, edited ones replaced.

        progress_callback(done, total, message) is called after each file. Bad files are
        reported in AddReport.errors and do not stop the batch.
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        files = list(ingest.iter_files(paths))
        stream = ((path, ingest.load_path(path)) for path in files)
        return self._add_stream(stream, len(files), progress, progress_callback)

    def add_records(
        self,
        records: Iterable[dict],
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
        origin: str = "records",
    ) -> AddReport:
        """Index in-memory records (dicts with id, title, text, date, url; text required)."""
        records = list(records)
        stream = (
            (f"record {i + 1}", iter([pair]))
            for i, pair in enumerate(ingest.load_records(records, origin))
        )
        return self._add_stream(stream, len(records), progress, progress_callback)

    def add_prepared(
        self,
        stream: Iterable[tuple[str, list[tuple[Prepared | None, str | None]]]],
        total: int | None,
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
    ) -> AddReport:
        """Store documents read (and usually segmented and embedded) by other processes.

        stream yields (label, [(Prepared, None) or (None, error sentence)]) per file, in any
        order. Classifying, committing every EMBED_CHUNK sentences and the FAISS mirror are
        those of add(): the result is the same index, and a kill keeps what was committed.
        """
        return self._add_stream(stream, total, progress, progress_callback)

    def _add_stream(
        self, stream, total: int | None, progress: bool, progress_callback: ProgressCallback | None
    ) -> AddReport:
        report = AddReport()
        bar = None
        if progress and (total is None or total >= PROGRESS_MIN_FILES):
            from tqdm import tqdm

            bar = tqdm(total=total, desc="Indexing", unit="file", file=sys.stderr)
        embedder = self.embedder
        with _first_error_reported(self.store.dir), self.store.writing():
            self.store.ensure_vectors()  # one writer at a time; checks go on meanwhile
            pending: list[tuple[ingest.SourceDocument, list]] = []
            pending_sentences = 0
            seen: dict[str, str] = {}
            failed = False
            try:
                for done, (label, pairs) in enumerate(stream, start=1):
                    for doc, error in pairs:
                        if error:
                            report.errors.append(error)
                            continue
                        prepared = doc if isinstance(doc, Prepared) else Prepared(doc)
                        doc = prepared.doc
                        status = self._classify(doc, seen)
                        if status == "unchanged":
                            report.unchanged.append(doc.doc_id)
                            continue
                        (report.updated if status == "updated" else report.added).append(doc.doc_id)
                        seen[doc.doc_id] = doc.content_hash
                        sentences = prepared.sentences
                        vectors = prepared.vectors if sentences is not None else None
                        if sentences is None:
                            sentences = segment(doc.text)
                        pending.append((doc, sentences, vectors))
                        pending_sentences += len(sentences)
                        if pending_sentences >= EMBED_CHUNK:
                            self._commit(pending, embedder, own_bar=bar is None)
                            pending, pending_sentences = [], 0
                    if bar is not None:
                        bar.update(1)
                    if progress_callback is not None:
                        progress_callback(done, total, str(label))
                if pending:
                    self._commit(pending, embedder, own_bar=bar is None)
            except BaseException:
                failed = True
                raise
            finally:
                if bar is not None:
                    bar.close()
                try:
                    self.store.finish_vectors()
                except Exception:  # noqa: BLE001 - after a failure, the first error is the news
                    if not failed:  # (the next writer brings the vector file in step again)
                        raise
        return report

    def _classify(self, doc: ingest.SourceDocument, seen: dict[str, str]) -> str:
        """added / updated / unchanged, by content hash (also within one batch)."""
        current = seen.get(doc.doc_id) or self.store.document_hash(doc.doc_id)
        if current == doc.content_hash:
            return "unchanged"
        if current is None and not doc.explicit_id:
            # the same file seen under another path (e.g. another working directory)
            if self.store.find_by_hash(doc.content_hash) is not None:
                return "unchanged"
        return "updated" if current is not None else "added"

    def _commit(self, pending: list, embedder: Embedder, own_bar: bool = True) -> None:
        """Embed pending documents together, store them in one transaction, mirror in FAISS.

        Documents that arrive with their vectors (add_prepared) are not embedded again.
        """
        texts = [
            embedding_text(doc, s.text)
            for doc, sentences, given in pending
            if given is None
            for s in sentences
        ]
        fresh = embedder.encode(texts, progress=None if own_bar else False)
        batch, offset = [], 0
        for doc, sentences, given in pending:
            if given is None:
                given = fresh[offset : offset + len(sentences)]
                offset += len(sentences)
            batch.append((doc, sentences, given))
        vecs = np.vstack([given for _, _, given in batch]) if batch else fresh
        new, old = self.store.put_documents(batch)
        self.store.apply_vectors(new, vecs, old)

    def build_from_sources(
        self,
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
        announce: Callable[[Path], None] | None = None,
    ) -> AddReport | None:
        """Index ``<index>/sources/`` when the index holds no documents yet; None otherwise.

        An index folder shipped with its sources (as ./index is) then builds itself on first
        use, e.g. when the UI starts. announce(sources) is called before a build starts, since
        it can take minutes.
        """
        sources = self.index_dir / SOURCES_FOLDER
        if self.documents() or not sources.is_dir() or not any(sources.iterdir()):
            return None
        if announce is not None:
            announce(sources)
        return self.add([str(sources)], progress=progress, progress_callback=progress_callback)

    def remove(self, doc_id: str) -> bool:
        """Remove one document; False when there is no such document."""
        with _first_error_reported(self.store.dir), self.store.writing():
            self.store.ensure_vectors()
            old = self.store.delete_document(doc_id)
            if old is None:
                return False
            self.store.apply_vectors([], np.zeros((0, 1), np.float32), old)
            self.store.finish_vectors()
            return True

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def document(self, doc_id: str) -> Document | None:
        """A stored document with .text (the normalised text all offsets refer to), or None."""
        return self.store.document(doc_id)

    def stats(self) -> dict:
        with self.store.snapshot():
            stats = self.store.stats()
            stats["stance_model"] = self.stance_model_name or str(DEFAULT_STANCE_PATH)
            stats["backend"] = resolve(self.backend)
            try:
                saved = self.store.get_setting(PARAMS_SETTING)
            except WorkbenchError:
                saved = None
        if saved and self.params.to_dict() == saved.get("params"):
            source = "saved in the index"
        elif self.params == DEFAULT_PARAMS:
            source = "built-in defaults"
        else:
            source = "set by the caller"
        stats["verdict_params"] = {**self.params.to_dict(), "source": source}
        if source == "saved in the index" and saved.get("provenance"):
            stats["verdict_params"]["provenance"] = saved["provenance"]
        return stats

    def search(self, claim: str, top_k: int = 10, date: str | None = None) -> list[Hit]:
        """Hybrid retrieval only (no stance): the top_k sentences for the claim."""
        claim = _validate_claim(claim)
        date = _validate_date(date)
        return Retriever(self.store, self.embedder).search(claim, top_k, date)

    # -- checking ---------------------------------------------------------------------------
    def check(
        self,
        claim: str,
        date: str | None = None,
        top_k: int = 10,
        claim_id: str | None = None,
        score_all: bool = False,
    ) -> CheckResult:
        """Verdict, confidence and evidence for one claim (WorkbenchError on bad input).

        Evidence that cannot move the verdict (relevance weight 0) is "not scored" unless
        score_all: the verdict and confidence are the same either way.
        """
        text = _validate_claim(claim)
        date = _validate_date(date)
        if top_k < 1:
            raise WorkbenchError(f"top_k must be at least 1, not {top_k}.")
        stance = self.stance
        hits = Retriever(self.store, self.embedder).search(text, top_k, date)
        probs = self._judge(stance, [text], [hits], score_all)[0]
        return self._result(claim_id, text, date, hits, probs)

    def check_many(
        self,
        claims: Iterable[dict | str],
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
        top_k: int = 10,
        retrieve_k: int | None = None,
        score_all: bool = False,
    ) -> Iterator[CheckResult]:
        """Check claims (dicts with id, claim, optional date; or strings), in input order.

        Stance pairs of several claims are scored in one batch. A claim that cannot be checked
        (empty, bad date) yields a NOT_ENOUGH_INFO result with .error set instead of raising.
        retrieve_k (> top_k): also keep that many retrieved sentences in .retrieved (retrieval
        order; the first top_k are the judged ones), for evaluation's recall@k. score_all: also
        score the evidence that cannot move the verdict (as check()).
        """
        items = list(claims)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc="Checking", unit="claim", file=sys.stderr)
        try:
            stance = self.stance
            retriever = Retriever(self.store, self.embedder)
            done = 0
            for start in range(0, len(items), CHECK_CHUNK):
                chunk = [
                    self._parse_item(item, start + i)
                    for i, item in enumerate(items[start : start + CHECK_CHUNK])
                ]
                good = [c for c in chunk if c[3] is None]
                retrieved = retriever.search_many(
                    [c[1] for c in good], top_k, [c[2] for c in good], keep=retrieve_k
                )
                hits = [found[:top_k] for found in retrieved]
                probs = self._judge(stance, [c[1] for c in good], hits, score_all)
                by_id = {}
                for c, hs, found, p in zip(good, hits, retrieved, probs):
                    by_id[id(c)] = self._result(c[0], c[1], c[2], hs, p)
                    if retrieve_k:
                        by_id[id(c)].retrieved = found
                for c in chunk:
                    claim_id, text, date, error = c
                    result = by_id.get(id(c)) or CheckResult(
                        claim_id, text, "NOT_ENOUGH_INFO", 0.0, [], date, error
                    )
                    done += 1
                    if bar is not None:
                        bar.update(1)
                    if progress_callback is not None:
                        progress_callback(done, len(items), str(claim_id))
                    yield result
        finally:
            if bar is not None:
                bar.close()

    @staticmethod
    def _parse_item(item: dict | str, index: int) -> tuple[str, str, str | None, str | None]:
        """(id, normalised claim, date, error) for one check_many input."""
        if isinstance(item, dict):
            raw_id = item.get("id")
            claim_id = str(raw_id) if raw_id is not None and str(raw_id) != "" else str(index + 1)
            claim, date = item.get("claim"), item.get("date")
            if item.get("error"):  # a line read_claims could not read
                return claim_id, _as_text(claim), None, str(item["error"])
        else:
            claim_id, claim, date = str(index + 1), item, None
        try:
            return claim_id, _validate_claim(claim), _validate_date(date), None
        except WorkbenchError as exc:
            return claim_id, _as_text(claim), None, f"Claim {claim_id}: {exc}"

    def _judge(
        self, stance: StanceModel, claims: list[str], hits: list[list[Hit]], score_all: bool
    ) -> list[np.ndarray]:
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
        scored = stance.predict([(hits[i][j].sentence, claims[i]) for i, j in wanted])
        out = [np.full((len(found), 3), np.nan, dtype=np.float32) for found in hits]
        for (i, j), row in zip(wanted, scored):
            out[i][j] = row
        return out

    def _result(
        self, claim_id, claim: str, date: str | None, hits: list[Hit], probs: np.ndarray
    ) -> CheckResult:
        """The verdict from the scored evidence; NaN rows of probs are "not scored" evidence."""
        evidence = []
        for hit, (p_sup, p_ref, p_neu) in zip(hits, probs.tolist()):
            where = {
                "doc_id": hit.doc_id,
                "title": hit.title,
                "date": hit.date,
                "source": hit.source,
                "sentence": hit.sentence,
                "start": hit.start,
                "end": hit.end,
                "context": hit.context,
            }
            if p_sup != p_sup:  # NaN: not scored (it could not move the verdict)
                evidence.append(
                    Evidence(
                        **where,
                        stance=NOT_SCORED,
                        p_supports=None,
                        p_refutes=None,
                        p_neutral=None,
                        score=0.0,
                    )
                )
                continue
            evidence.append(
                Evidence(
                    **where,
                    stance=stance_label(p_sup, p_ref, p_neu),
                    p_supports=round(p_sup, 4),
                    p_refutes=round(p_ref, 4),
                    p_neutral=round(p_neu, 4),
                    score=round(evidence_score(p_sup, p_ref, hit.relevance, self.params), 4),
                )
            )
        scored = [(tuple(p), h.relevance) for p, h in zip(probs.tolist(), hits) if p[0] == p[0]]
        verdict, confidence = decide(
            [p for p, _ in scored], [cosine for _, cosine in scored], self.params
        )
        order = sorted(range(len(evidence)), key=lambda i: (-evidence[i].score, -hits[i].rrf))
        return CheckResult(
            id=None if claim_id is None else str(claim_id),
            claim=claim,
            verdict=verdict,
            confidence=confidence,
            evidence=[evidence[i] for i in order],
            date=date,
            confidence_calibrated=bool(scored) and is_calibrated(verdict, self.params),
        )
