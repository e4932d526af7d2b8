"""Scale-out on Ray (workbench/cluster/): a real local Ray, the real models, SQLite and FAISS.

`verify --ray` must write what plain `verify` writes (same verdicts, confidences, evidence),
resume after its driver is killed, and `index add --ray` must build the same index as plain
`index add`. The cluster has 2 CPUs and each worker takes one, so both fit this machine.
Ray runs start their own processes, so the CLI runs in subprocesses (as people run it).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.cli import main

from .conftest import ROOT, SEED_DIR

ray = pytest.importorskip("ray", reason="the Ray extra is not installed: pip install -e '.[ray]'")

pytestmark = pytest.mark.slow
CLAIMS = ROOT / "claims" / "karabakh.csv"
CLUSTER_CPUS = 2


def _cli_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("workbench")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "workbench.cli"]


def _env() -> dict:
    return dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def _cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_cli_cmd(), *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=timeout,
        cwd=ROOT,
    )


def _results(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate ids in the results"
    return by_id


@pytest.fixture(scope="module")
def cluster() -> str:
    """A local Ray cluster of CLUSTER_CPUS CPUs that the CLI joins with --ray ADDRESS."""
    ray.init(
        num_cpus=CLUSTER_CPUS,
        object_store_memory=256 << 20,
        include_dashboard=False,
        logging_level=logging.ERROR,
        log_to_driver=False,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def test_verify_on_local_ray_matches_plain_run(seed_index, tmp_path, shipped_stance_model):
    plain, on_ray = tmp_path / "plain.jsonl", tmp_path / "ray.jsonl"
    # both as people run them: in this process, with Ray and pyarrow imported first, the stance
    # model's float sums differ in the last bits, enough to move a 4th decimal now and then
    single = _cli("verify", CLAIMS, "-o", plain, "--index", seed_index, "--quiet")
    assert single.returncode == 0, single.stderr
    # no ADDRESS: the command starts (and stops) a local Ray sized to this machine
    run = _cli("verify", CLAIMS, "-o", on_ray, "--index", seed_index, "--quiet", "--ray")
    assert run.returncode == 0, run.stderr
    expected, got = _results(plain), _results(on_ray)
    assert set(got) == set(expected) and len(expected) == 28
    for claim_id, want in expected.items():
        have = got[claim_id]
        assert have["verdict"] == want["verdict"], claim_id
        assert abs(have["confidence"] - want["confidence"]) <= 1e-6, claim_id
        assert have["evidence"] == want["evidence"], claim_id
        assert have == want


def test_verify_on_ray_resumes_after_the_driver_is_killed(
    cluster, seed_index, tmp_path, shipped_stance_model
):
    claims = tmp_path / "claims.jsonl"
    base = [json.loads(json.dumps(r)) for r in _karabakh()]
    ids = []
    with open(claims, "w", encoding="utf-8") as handle:
        for copy in range(3):
            for row in base:
                ids.append(f"{row['id']}-{copy}")
                handle.write(json.dumps({"id": ids[-1], "claim": row["claim"]}) + "\n")
    out = tmp_path / "results.jsonl"
    argv = [*_cli_cmd(), "verify", claims, "-o", out, "--index", seed_index, "--quiet"]
    argv += ["--ray", cluster, "--workers", CLUSTER_CPUS]
    proc = subprocess.Popen([str(a) for a in argv], env=_env(), cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and len(out.read_bytes().splitlines()) >= 16:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = out.read_bytes()
    assert first.endswith(b"\n")
    done_before = _results(out)
    assert 16 <= len(done_before) < len(ids)

    rerun = _cli(*argv[1:])  # the same command resumes
    assert rerun.returncode == 0, rerun.stderr
    assert f"Resuming: {len(done_before)} claims already" in rerun.stderr
    assert out.read_bytes().startswith(first)  # nothing written before is touched
    final = _results(out)  # no duplicates (checked there) ...
    assert sorted(final) == sorted(ids)  # ... and no gaps


def _karabakh() -> list[dict]:
    from workbench.batch.claims import read_claims

    return read_claims(CLAIMS)


def _write_corpus(folder: Path, n: int = 200) -> None:
    """n small documents (plus a records file, a bad file and a hidden one) in nested folders."""
    seed = next(SEED_DIR.glob("*.txt")).read_text(encoding="utf-8")
    sentences = [s.strip() + "." for s in seed.replace("\n", " ").split(". ") if len(s) > 30]
    places = ["Stepanakert", "Yerevan", "Baku", "Shusha", "Goris", "Lachin", "Ganja", "Agdam"]
    for i in range(n):
        sub = folder / f"part{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        picked = [sentences[(i * 7 + k * 3) % len(sentences)] for k in range(2)]
        text = (
            f"date 2023-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
            f"Report {i} from {places[i % len(places)]}\n\n"
            f"Observers in {places[(i + 3) % len(places)]} counted {10 + i} convoys on day {i}. "
            + " ".join(picked)
        )
        suffix = ".md" if i % 10 == 0 else ".txt"
        (sub / f"doc{i:03d}{suffix}").write_text(text, encoding="utf-8")
    records = [
        {"id": f"rec{j}", "title": f"Record {j}", "text": f"Record {j} says {sentences[j]}"}
        for j in range(5)
    ]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "broken.pdf").write_bytes(b"not a pdf at all")
    (folder / ".hidden.txt").write_text("Never indexed.")


def _index_rows(index: Path) -> tuple[list, list, dict]:
    con = sqlite3.connect(index / "workbench.db")
    docs = con.execute(
        "SELECT doc_id, title, date, source, url, text, content_hash, n_sentences "
        "FROM documents ORDER BY doc_id"
    ).fetchall()
    sentences = con.execute(
        "SELECT doc_id, position, start_char, end_char, text FROM sentences "
        "ORDER BY doc_id, position"
    ).fetchall()
    vectors = {
        (d, p): np.frombuffer(e, dtype=np.float32)
        for d, p, e in con.execute("SELECT doc_id, position, embedding FROM sentences")
    }
    con.close()
    return docs, sentences, vectors


def test_index_add_on_ray_builds_the_same_index(cluster, tmp_path, embedder):
    folder = tmp_path / "docs"
    _write_corpus(folder)
    plain, on_ray = tmp_path / "plain", tmp_path / "ray"
    expected = CliRunner().invoke(
        main, ["index", "add", str(folder), "--index", str(plain), "--json"]
    )
    assert expected.exit_code == 1  # broken.pdf is reported, the rest is indexed
    run = _cli("index", "add", folder, "--index", on_ray, "--json", "--ray", cluster)
    assert run.returncode == 1, run.stderr
    want, got = json.loads(expected.stdout), json.loads(run.stdout)
    assert sorted(got["added"]) == sorted(want["added"]) and len(want["added"]) == 205
    assert got["errors"] == want["errors"] and len(want["errors"]) == 1

    docs, sentences, vectors = _index_rows(plain)
    docs_r, sentences_r, vectors_r = _index_rows(on_ray)
    assert docs_r == docs
    assert sentences_r == sentences and len(sentences) > 500
    # same model, other batches: the vectors agree to float rounding
    cos = [float(vectors[k] @ vectors_r[k]) for k in vectors]
    assert min(cos) > 0.9999
    stats = json.loads(_cli("index", "stats", "--index", on_ray, "--json").stdout)
    assert stats["sentences"] == len(sentences)
    manifest = json.loads((on_ray / "manifest.json").read_text())
    assert manifest["vectors"] == len(sentences)  # FAISS holds every committed sentence

    again = _cli("index", "add", folder, "--index", on_ray, "--json", "--ray", cluster)
    report = json.loads(again.stdout)
    assert report["added"] == [] and len(report["unchanged"]) == 205


def test_clear_errors_without_ray_or_cluster(seed_index, tmp_path):
    no_ray = (
        "import sys; sys.modules['ray'] = None; from workbench.cli import main; "
        "main(['verify', sys.argv[1], '-o', sys.argv[2], '--index', sys.argv[3], '--ray'])"
    )
    run = subprocess.run(
        [sys.executable, "-c", no_ray, str(CLAIMS), str(tmp_path / "o.jsonl"), str(seed_index)],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "Error: Ray is not installed; install it with pip install -e '.[ray]' "
        "(or pip install 'ray[data]')."
    )
    unreachable = _cli(
        "verify", CLAIMS, "-o", tmp_path / "o.jsonl", "--index", seed_index, "--ray", "127.0.0.1:9"
    )
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith("Error: Cannot reach the Ray cluster at 127.0.0.1:9")
    assert "ray start --head" in unreachable.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_index_not_on_a_shared_path_is_refused(cluster, tmp_path):
    from workbench.cluster.session import require_readable_everywhere
    from workbench.errors import WorkbenchError

    missing = str(tmp_path / "elsewhere" / "workbench.db")
    with pytest.raises(WorkbenchError) as info:
        require_readable_everywhere([missing], "the index")
    message = str(info.value)
    assert message.startswith(f"{missing} is not readable on Ray worker node ")
    assert "must be on a shared path that every worker sees" in message


def test_workers_needs_ray(tmp_path):
    result = CliRunner().invoke(
        main, ["verify", str(CLAIMS), "-o", str(tmp_path / "o.jsonl"), "--workers", "2"]
    )
    assert result.exit_code == 2 and "--workers needs --ray" in result.output
    assert not (tmp_path / "o.jsonl").exists()
