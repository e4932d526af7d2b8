"""Fork server for the crash tests (tests/test_crash.py): loads the models once, then forks
children that run the real CLI (`workbench index add`, `workbench verify`) or save reviews,
for the test to SIGKILL at random moments; after each kill it checks the index in-process.

Protocol: one JSON object per line on stdin, one JSON reply per line on stdout.
  {"op": "fork", "kind": "cli"|"reviews", ...}  -> {"pid": N}
  {"op": "wait", "pid": N}                      -> {"status": exit code or -signal}
  {"op": "check_index", ...}                    -> {"ok": true, ...} or {"ok": false, "error"}
  {"op": "check_reviews", ...}                  -> same
Children write "start" (and then committed ids) to their log file, one per line.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import traceback
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _log(path: str, line: str) -> None:
    """Append one line with a single write(): it survives the writer being killed."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _child_cli(req: dict) -> int:
    import workbench.indexing as indexing
    from workbench.cli import main
    from workbench.storage.store import Store

    if req.get("embed_chunk"):
        indexing.EMBED_CHUNK = int(req["embed_chunk"])  # more commits, more places to be killed in
    original = Store.put_documents

    def put_documents(self, batch):
        out = original(self, batch)
        _log(req["log"], "committed " + json.dumps([doc.doc_id for doc, _, _ in batch]))
        return out

    Store.put_documents = put_documents
    from workbench.batch.results import ResultWriter

    write = ResultWriter.write

    def write_result(self, result):
        write(self, result)
        _log(req["log"], f"wrote {result['id']}")

    ResultWriter.write = write_result
    _log(req["log"], "start")
    try:
        main.main(args=req["argv"], prog_name="workbench", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _child_reviews(req: dict) -> int:
    from workbench.reviews.store import ReviewStore

    store = ReviewStore(req["db"])
    rng = random.Random(req.get("seed", 0))
    _log(req["log"], "start")
    for i in range(req.get("count", 100_000)):
        claim = f"Claim number {rng.randrange(7)} about the bridge"
        review = store.save(
            claim=claim,
            reviewer=f"reviewer {i % 3}",
            final_verdict=rng.choice(["SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"]),
            note=f"note {i} " + "x" * rng.randrange(2000),
            machine_verdict="NOT_ENOUGH_INFO",
            machine_confidence=0.5,
            evidence=[
                {"doc_id": f"doc{j}", "start": j, "end": j + 5, "sentence": f"s{j}"}
                for j in range(3)
            ],
        )
        _log(req["log"], f"saved {review.review_id}")
    return 0


def _fork(req: dict) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: its output goes to files, it never returns into the server loop
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(req[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        code = _child_cli(req) if req["kind"] == "cli" else _child_reviews(req)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)


def _committed(log: str) -> set[str]:
    ids: set[str] = set()
    if os.path.exists(log):
        for line in Path(log).read_text().splitlines():
            if line.startswith("committed "):
                ids.update(json.loads(line[len("committed ") :]))
    return ids


def check_index(req: dict) -> dict:
    """Everything committed is there and searchable; nothing half-added is visible."""
    import numpy as np

    from workbench import Workbench
    from workbench.pipeline.segment import segment

    index = Path(req["index"])
    committed = _committed(req["log"])
    if not (index / "workbench.db").exists():
        if committed:
            return {"ok": False, "error": "no database although documents were committed"}
        return {"ok": True, "documents": 0, "committed": 0}
    con = sqlite3.connect(index / "workbench.db")
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    if integrity != "ok":
        return {"ok": False, "error": f"integrity_check: {integrity}"}
    # every version of every source file a run may have added (old and new contents)
    allowed: dict[str, set[str]] = {}
    for version in req["versions"]:
        allowed.setdefault(version["doc_id"], set()).add(version["hash"])
    problems = []
    with Workbench.open(index, create=False) as wb:
        store = wb.store
        docs = {d.doc_id: d for d in wb.documents()}
        missing = sorted(committed - set(docs))
        if missing:
            problems.append(f"{len(missing)} committed documents are missing, e.g. {missing[:3]}")
        # every document: known content, all its sentences (positions 0..n-1) present
        positions = {}
        for doc_id, n, low, high in store.db.execute(
            "SELECT d.doc_id, count(s.id), min(s.position), max(s.position) FROM documents d "
            "LEFT JOIN sentences s ON s.doc_id = d.doc_id GROUP BY d.doc_id"
        ):
            positions[doc_id] = (n, low, high)
        for doc_id, info in docs.items():
            n, low, high = positions[doc_id]
            if n != info.n_sentences or (n and (low, high) != (0, n - 1)):
                problems.append(f"{doc_id} is half-added: {n} of {info.n_sentences} sentences")
        hashes = dict(store.db.execute("SELECT doc_id, content_hash FROM documents"))
        for doc_id, content_hash in hashes.items():
            if doc_id not in allowed:
                problems.append(f"unexpected document {doc_id}")
            elif content_hash not in allowed[doc_id]:
                problems.append(f"{doc_id} holds content no run ever added")
        # sentences match the text they were cut from (this run's documents and a sample)
        rng = random.Random(len(docs))
        sample = sorted(committed & set(docs)) + rng.sample(sorted(docs), min(20, len(docs)))
        for doc_id in sample:
            doc = wb.document(doc_id)
            rows = store.db.execute(
                "SELECT start_char, end_char, text FROM sentences WHERE doc_id = ? "
                "ORDER BY position",
                (doc_id,),
            ).fetchall()
            if [tuple(r) for r in rows] != [(s.start, s.end, s.text) for s in segment(doc.text)]:
                problems.append(f"{doc_id} has sentences that do not match its text")
        # the vector index holds exactly the stored sentences: each finds itself first
        ids = [r[0] for r in store.db.execute("SELECT id FROM sentences ORDER BY id")]
        ann = store.ann
        if ann.count() != len(ids):
            problems.append(f"vector index has {ann.count()} vectors for {len(ids)} sentences")
        elif ids:
            vecs = store.embeddings(ids)
            matrix = np.vstack([vecs[i] for i in ids])
            scores, found = ann.search(matrix, 1)
            bad = [i for i, f, s in zip(ids, found[:, 0], scores[:, 0]) if f != i and s < 0.9999]
            if bad:
                problems.append(f"{len(bad)} sentences are not found in the vector index")
        # and real searches find a few committed documents by their own words
        present = sorted(committed & set(docs))
        for doc_id in rng.sample(present, min(3, len(present))):
            first = segment(wb.document(doc_id).text)[0].text
            hits = wb.search(first, top_k=5)
            if doc_id not in {h.doc_id for h in hits}:
                problems.append(f"searching {first!r} does not find {doc_id}")
        n_docs = len(docs)
    if problems:
        return {"ok": False, "error": "; ".join(problems[:5])}
    return {"ok": True, "documents": n_docs, "committed": len(committed)}


def check_reviews(req: dict) -> dict:
    """Every acknowledged review is stored whole; the supersedes chain is consistent."""
    from workbench.reviews.store import ReviewStore, claim_key

    acked = set()
    for line in Path(req["log"]).read_text().splitlines():
        if line.startswith("saved "):
            acked.add(int(line.split()[1]))
    db = req["db"]
    con = sqlite3.connect(db)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    if integrity != "ok":
        return {"ok": False, "error": f"integrity_check: {integrity}"}
    store = ReviewStore(db)
    reviews = store.reviewed_claims()
    every = []
    for r in reviews:
        every += store.history(r.claim)
    ids = {r.review_id for r in every}
    problems = []
    if acked - ids:
        problems.append(f"acknowledged reviews lost: {sorted(acked - ids)[:5]}")
    last: dict[str, int] = {}
    for r in sorted(every, key=lambda r: r.review_id):
        if len(r.evidence) != 3:
            problems.append(f"review {r.review_id} has {len(r.evidence)} of 3 evidence rows")
        key = claim_key(r.claim)
        if r.supersedes != last.get(key):
            problems.append(f"review {r.review_id} supersedes {r.supersedes}, not {last.get(key)}")
        last[key] = r.review_id
    if problems:
        return {"ok": False, "error": "; ".join(problems[:5])}
    return {"ok": True, "reviews": len(ids), "acked": len(acked)}


def main() -> None:
    from workbench.pipeline.embed import Embedder

    Embedder(None).encode(["warm up the model before forking"])
    if len(sys.argv) > 1:  # a stance model to preload for `verify` children
        from workbench.pipeline.stance import StanceModel

        StanceModel(sys.argv[1]).predict([("a", "b")])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["op"] == "fork":
                reply = {"pid": _fork(req)}
            elif req["op"] == "wait":
                _, status = os.waitpid(req["pid"], 0)
                code = os.waitstatus_to_exitcode(status)
                reply = {"status": code}
            elif req["op"] == "check_index":
                reply = check_index(req)
            elif req["op"] == "check_reviews":
                reply = check_reviews(req)
            else:
                reply = {"ok": False, "error": f"unknown op {req['op']}"}
        except Exception:  # noqa: BLE001 - reported to the test, which fails with it
            reply = {"ok": False, "error": traceback.format_exc()}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
