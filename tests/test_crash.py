"""Crash safety: SIGKILL `workbench index add`, `workbench verify` and review saves at random
moments, then check that nothing committed is lost, nothing half-written is visible, and that
rerunning the same command finishes the job.

The children are forked from tests/crash_driver.py, which loads the models once, so a kill costs
a fraction of a second instead of a model load; they run the real CLI code (click included). Two
runs of the installed `workbench` command itself (one killed, one finishing) cover the entry point.
Set WORKBENCH_CRASH_SEED to replay a failing sequence (the seed is printed on failure).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.pipeline.ingest import load_path

DRIVER = Path(__file__).with_name("crash_driver.py")
SEED = int(os.environ.get("WORKBENCH_CRASH_SEED", random.randrange(1_000_000)))
WORDS = (
    "harbour bridge council river budget census vaccine election ceasefire border tariff "
    "drought festival railway museum glacier reservoir satellite pension stadium"
).split()

pytestmark = pytest.mark.slow


def _running(pid: int) -> bool:
    """False once the process has exited (a zombie until the driver reaps it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Driver:
    def __init__(self, tmp: Path, stance: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(stance)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp,
            env=env,
        )
        self.tmp = tmp
        self.rng = random.Random(SEED)
        self.n = 0
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def ask(self, **req) -> dict:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the crash driver died"
        return json.loads(line)

    def fork(self, **req) -> tuple[int, Path, Path]:
        self.n += 1
        log = self.tmp / f"run{self.n}.log"
        err = self.tmp / f"run{self.n}.err"
        out = self.tmp / f"run{self.n}.out"
        pid = self.ask(op="fork", log=str(log), stdout=str(out), stderr=str(err), **req)["pid"]
        return pid, log, err

    def run_and_kill(self, max_delay: float, after: int = 0, **req) -> tuple[int, Path, Path]:
        """Fork a child; once it has started and logged `after` steps (commits, saves), SIGKILL
        it after a random delay. Waiting for steps, not seconds, keeps the kills landing in
        the middle of the work however fast or busy the machine is."""
        pid, log, err = self.fork(**req)
        deadline = time.monotonic() + 300
        while True:
            lines = log.read_text().splitlines() if log.exists() else []
            if (lines[:1] == ["start"] and len(lines) > after) or not _running(pid):
                break
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.005)
        time.sleep(self.rng.uniform(0.0, max_delay))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        status = self.ask(op="wait", pid=pid)["status"]
        return status, log, err

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def driver(tmp_path_factory, tiny_stance):
    d = Driver(tmp_path_factory.mktemp("crash"), tiny_stance)
    yield d
    d.close()


def _write_docs(folder: Path, n: int, version: int, cwd: Path, only=None) -> list[dict]:
    """n small text files whose sentences are all distinct; returns their versions (doc ids
    are paths relative to cwd, as `index add` run from cwd names them)."""
    folder.mkdir(exist_ok=True)
    versions = []
    for i in range(n):
        path = folder / f"doc{i:04d}.txt"
        if only is None or i in only:
            rng = random.Random(i * 1000 + version)
            sentences = [
                f"Report {i} version {version} line {j} says the {rng.choice(WORDS)} "
                f"and the {rng.choice(WORDS)} changed in {1900 + rng.randrange(120)}."
                for j in range(rng.randrange(3, 12))
            ]
            path.write_text(f"date 2020-01-{1 + i % 28:02d}\n" + " ".join(sentences) + "\n")
        [(doc, error)] = list(load_path(path))  # its hash now: the file may change later
        assert error is None, error
        versions.append(
            {
                "path": str(path),
                "doc_id": path.relative_to(cwd).as_posix(),
                "hash": doc.content_hash,
            }
        )
    return versions


def _cli_cmd() -> list[str]:
    """The installed `workbench` command (python -m workbench.cli when not installed)."""
    exe = Path(sys.executable).with_name("workbench")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "workbench.cli"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([*_cli_cmd(), *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_index_add_survives_sigkill(driver):
    tmp = driver.tmp / "add"
    tmp.mkdir()
    folder, index = tmp / "docs", tmp / "index"
    n = 240
    versions = _write_docs(folder, n, version=1, cwd=driver.tmp)
    argv = ["index", "add", str(folder), "--index", str(index), "--json"]
    history = [dict(v) for v in versions]  # every version of every file ever written

    def check(log: Path, what: str) -> dict:
        result = driver.ask(op="check_index", index=str(index), log=str(log), versions=history)
        assert result["ok"], f"{what} (seed {SEED}): {result['error']}"
        return result

    def kill_runs(wanted: int, max_delay: float, more_work) -> int:
        """Kill `wanted` runs; when a run finishes first, make new work and go on."""
        kills = 0
        for trial in range(wanted * 4):
            after = driver.rng.choice([0, 1, 2, 3, 4, 6])
            status, log, err = driver.run_and_kill(
                max_delay, after, kind="cli", argv=argv, embed_chunk=48
            )
            state = check(log, f"after run {trial + 1} (status {status})")
            if status == 0:  # it finished before the kill: check it, then give it new work
                assert state["documents"] == n
                more_work()
                continue
            assert status == -signal.SIGKILL, err.read_text()
            kills += 1
            mid_build.append(state["committed"] > 0)
            if kills == wanted:
                break
        return kills

    # phase 1: kill the first build of the index again and again (starting over when it ends)
    mid_build: list[bool] = []  # per kill: had the run committed something already?
    kills = kill_runs(14, 0.5, lambda: shutil.rmtree(index))
    assert sum(mid_build) >= 5, "too few kills landed after a commit"
    # the same command, run by the installed entry point, finishes the job
    done = _cli(*argv, cwd=driver.tmp)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert not report["errors"]
    assert len(report["added"]) + len(report["unchanged"]) == n
    listing = json.loads(_cli("index", "list", "--index", str(index), "--json", cwd=tmp).stdout)
    assert len(listing) == n

    # phase 2: edit a third of the files and kill the updates: each document is old or new
    edits = iter(range(2, 1000))

    def edit() -> None:
        version = next(edits)
        picked = set(random.Random(SEED + version).sample(range(n), n // 3))
        history.extend(_write_docs(folder, n, version, cwd=driver.tmp, only=picked))

    edit()
    proc = subprocess.Popen(
        [*_cli_cmd(), *argv], cwd=driver.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(driver.rng.uniform(1.0, 6.0))  # model loading included: any stage may be hit
    proc.kill()
    proc.wait()
    kills += proc.returncode == -signal.SIGKILL
    check(tmp / "none.log", "after killing the installed command")
    kills += kill_runs(6, 0.5, edit)
    pid = driver.fork(kind="cli", argv=argv, embed_chunk=48)[0]
    assert driver.ask(op="wait", pid=pid)["status"] == 0
    assert check(tmp / "none.log", "after the final run")["documents"] == n
    con = sqlite3.connect(index / "workbench.db")
    rows = dict(con.execute("SELECT doc_id, content_hash FROM documents").fetchall())
    con.close()
    for v in versions:  # every file's current content is what the index holds now
        [(doc, _)] = list(load_path(Path(v["path"])))
        assert rows[v["doc_id"]] == doc.content_hash
    assert kills >= 20, f"only {kills} runs were killed (seed {SEED})"


def test_verify_survives_sigkill(driver, tiny_stance, seed_index):
    tmp = driver.tmp / "verify"
    tmp.mkdir()
    claims = tmp / "claims.jsonl"
    rng = random.Random(SEED)
    ids = [f"c{i:03d}" for i in range(80)]
    with open(claims, "w") as f:
        for i, cid in enumerate(ids):
            text = f"The {rng.choice(WORDS)} in Karabakh changed in {1990 + i % 30}."
            f.write(json.dumps({"id": cid, "claim": text}) + "\n")
    base = ["--index", str(seed_index), "--stance-model", str(tiny_stance), "--quiet"]
    reference = tmp / "reference.jsonl"
    pid = driver.fork(kind="cli", argv=["verify", str(claims), "-o", str(reference), *base])[0]
    assert driver.ask(op="wait", pid=pid)["status"] == 0
    expected = [json.loads(x) for x in reference.read_text().splitlines()]
    assert [r["id"] for r in expected] == ids

    out = tmp / "results.jsonl"
    argv = ["verify", str(claims), "-o", str(out), *base]
    kills = 0
    for _trial in range(80):  # an idle machine finishes many runs first: room for 8 kills
        done = len(out.read_text().splitlines()) if out.exists() else 0
        after = driver.rng.randrange(max(1, len(ids) - done))  # results this run may write
        status, log, err = driver.run_and_kill(0.3, after, kind="cli", argv=argv)
        data = out.read_bytes() if out.exists() else b""
        assert not data or data.endswith(b"\n"), f"a half-written line (seed {SEED})"
        got = [json.loads(line) for line in data.decode().splitlines()]  # valid JSONL
        assert [r["id"] for r in got] == ids[: len(got)], "results lost, repeated or reordered"
        assert got == expected[: len(got)]
        if status == 0:  # finished before the kill: exactly the uninterrupted result; again
            assert got == expected
            out.unlink()
            continue
        assert status == -signal.SIGKILL, err.read_text()
        kills += 1
        if kills == 8:
            break
    pid = driver.fork(kind="cli", argv=argv)[0]  # the same command finishes the job
    assert driver.ask(op="wait", pid=pid)["status"] == 0
    final = [json.loads(x) for x in out.read_text().splitlines()]
    assert final == expected  # resumed to exactly the uninterrupted result
    assert kills == 8, f"only {kills} runs were killed (seed {SEED})"


def test_review_save_survives_sigkill(driver, tmp_path):
    from workbench import Workbench

    index = tmp_path / "index"
    with Workbench.open(index) as wb:  # reviews live in the index database
        db = wb.db_path
    acked = 0
    for trial in range(10):
        status, log, err = driver.run_and_kill(
            0.3, driver.rng.randrange(20), kind="reviews", db=str(db), seed=SEED + trial
        )
        assert status == -signal.SIGKILL, err.read_text()
        result = driver.ask(op="check_reviews", db=str(db), log=str(log))
        assert result["ok"], f"after kill {trial + 1} (seed {SEED}): {result['error']}"
        acked += result["acked"]
    assert acked > 0
    # the index still opens and is intact
    with Workbench.open(index, create=False) as wb:
        assert wb.documents() == []
    shutil.rmtree(index)
