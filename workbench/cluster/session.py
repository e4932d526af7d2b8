"""Joining a Ray cluster (or starting a local one) for the cluster commands.

Ray is an optional extra, so it is imported here and nowhere else at module level; a missing
install, an unreachable address and a failed worker all become one WorkbenchError sentence.
A local instance is sized to the machine (one worker per CPU) with a small object store, since
only claims, results and embeddings travel through it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import WorkbenchError

INSTALL_HINT = "pip install -e '.[ray]' (or pip install 'ray[data]')"
LOCAL_OBJECT_STORE_BYTES = 1 << 30  # claims, results and embeddings only: 1 GiB is plenty
CONNECT_TIMEOUT_S = 5.0
# what every worker process needs: models from disk only, quiet tokenizers
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
# settings of this process that workers must share (how the models run, e.g. --backend)
FORWARDED_ENV = ("WORKBENCH_BACKEND",)


def worker_env() -> dict[str, str]:
    """Environment for worker processes: WORKER_ENV plus this process's FORWARDED_ENV."""
    return {**WORKER_ENV, **{k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}}


def import_ray():
    """The ray module, or a WorkbenchError that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - the cluster commands use Ray Data
    except ImportError:
        raise WorkbenchError(f"Ray is not installed; install it with {INSTALL_HINT}.") from None
    return ray


@dataclass
class RaySession:
    """A connected Ray runtime: where it runs and how many workers to start on it."""

    address: str | None  # None: a local instance this process started
    workers: int  # actors per pool
    cpus_per_worker: float
    started_here: bool


def _check_reachable(address: str) -> None:
    """Fail fast (seconds, not Ray's minute of retries) when nothing listens at host:port."""
    target = address.removeprefix("ray://")
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise WorkbenchError(
            f"The Ray address '{address}' is not HOST:PORT (e.g. 10.0.0.5:6379 or "
            "ray://10.0.0.5:10001); give the address `ray start --head` printed."
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise WorkbenchError(
            f"Cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it with "
            "`ray start --head` on the head node, or check the address and that this machine "
            "can reach it."
        ) from None


def _quiet_ray_data(ray) -> None:
    """Our tqdm bar is the progress display; Ray Data's own bars and INFO lines would clash."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    # a worker that cannot start (index not on a shared path, no model) fails the run at once
    context.max_consecutive_actor_init_deaths = 1
    logging.getLogger("ray.data").setLevel(logging.ERROR)


@contextlib.contextmanager
def connect(
    address: str | None = None, workers: int | None = None, cpus_per_worker: float = 1.0
) -> Iterator[RaySession]:
    """Join the cluster at `address` ("auto" = the one on this machine), or start a local one.

    workers: actors per pool; default one per CPU of the cluster (local: of this machine).
    A local instance started here is shut down on exit; a joined cluster is left running.
    """
    ray = import_ray()
    # Ray's own WARNING lines (token auth notice, deprecations) are not for the people running
    # `workbench`; errors still show
    logging.getLogger("ray").setLevel(logging.ERROR)
    started_here = False
    if ray.is_initialized():  # e.g. tests or a notebook that connected already
        pass
    elif address:
        if address != "auto":
            _check_reachable(address)
        try:
            ray.init(
                address=address,
                runtime_env={"env_vars": worker_env()},
                logging_level=logging.ERROR,
                log_to_driver=False,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise WorkbenchError(
                f"Cannot join the Ray cluster at {address} ({str(exc).splitlines()[0]}); "
                "check that `ray status` works there and that the Ray versions match."
            ) from None
    else:
        os.environ.update(worker_env())  # inherited by the local workers
        ray.init(
            num_cpus=os.cpu_count() or 1,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            include_dashboard=False,
            logging_level=logging.ERROR,
            log_to_driver=False,
            configure_logging=True,
        )
        started_here = True
    _quiet_ray_data(ray)
    try:
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        count = workers or max(1, int(cpus // cpus_per_worker))
        yield RaySession(address, count, cpus_per_worker, started_here)
    finally:
        if started_here:
            ray.shutdown()


def bind(cls: type, **kwargs) -> type:
    """cls with its constructor arguments built in, for Ray Data's actor pools.

    A subclass defined here is shipped to the workers by value with its arguments inside, so
    nothing the actors need sits in the object store apart from them.
    """

    def __init__(self) -> None:
        cls.__init__(self, **kwargs)

    return type(cls.__name__, (cls,), {"__init__": __init__})


def map_on_pool(dataset, actor: type, session: RaySession, inputs: int, **bound):
    """dataset.map_batches over a pool of `actor`s (each bound to `bound`), one row per call.

    A worker that dies fails the run rather than being restarted (max_restarts=0): both cluster
    commands resume from what the driver committed, and Ray's restartable actors log an error
    line at every start. Pool size: the session's workers, no more than there are inputs.
    """
    ray = import_ray()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ray_remote_args.* is deprecated")
        return dataset.map_batches(
            bind(actor, **bound),
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=max(1, min(session.workers, inputs))),
            num_cpus=session.cpus_per_worker,
            max_restarts=0,
        )


def _unreadable(paths: list[str]) -> tuple[str, list[str]]:
    return socket.gethostname(), [p for p in paths if not os.access(p, os.R_OK)]


def require_readable_everywhere(paths: list[str], what: str) -> None:
    """Refuse, naming the node and path, when a worker node cannot read one of `paths`.

    Workers open what the driver names at the same absolute path, so on a cluster these must
    live on a shared file system (or be copied to that path on every node). A zero-CPU probe
    task runs once on each alive node, before any model is loaded.
    """
    ray = import_ray()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    probe = ray.remote(num_cpus=0, max_retries=0)(_unreadable)
    nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU")]
    refs = [
        probe.options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)
        ).remote(paths)
        for n in nodes
    ]
    for host, missing in ray.get(refs):
        if missing:
            raise WorkbenchError(
                f"{missing[0]} is not readable on Ray worker node {host}; {what} must be on a "
                "shared path that every worker sees at the same place (see README, 'Scaling "
                "out on Ray')."
            )


@contextlib.contextmanager
def worker_errors() -> Iterator[None]:
    """Turn what a worker raised (wrapped by Ray) into its one-sentence WorkbenchError."""
    try:
        yield
    except WorkbenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - Ray wraps worker errors in its own types
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        raise worker_failure(exc) from None


def worker_failure(exc: BaseException) -> WorkbenchError:
    """The one-sentence WorkbenchError a worker raised, found inside Ray's wrapping exceptions."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WorkbenchError):
            return WorkbenchError(str(current))
        cause = getattr(current, "cause", None)  # RayTaskError / RayActorError
        current = cause if isinstance(cause, BaseException) else current.__cause__
    text = str(exc).strip().splitlines()
    for line in reversed(text):  # the original error is usually the last line of Ray's text
        if "WorkbenchError:" in line:
            return WorkbenchError(line.split("WorkbenchError:", 1)[1].strip())
    last = text[-1] if text else type(exc).__name__
    return WorkbenchError(
        f"A Ray worker failed ({type(exc).__name__}: {last[:300]}); rerun with the same "
        "arguments to resume, or with WORKBENCH_DEBUG=1 for details."
    )
