"""What every command shares: one-sentence errors, the shared options, opening the index."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

import click

from ..errors import WorkbenchError

EXIT_ERROR = 1


def fail(message: str) -> None:
    """Print one sentence on stderr and exit 1 (no traceback)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class WorkbenchGroup(click.Group):
    """Turns WorkbenchError (and anything unexpected) into one line on stderr."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except WorkbenchError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted; everything committed so far is kept.", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - no tracebacks for people
            if os.environ.get("WORKBENCH_DEBUG"):
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc}; rerun with WORKBENCH_DEBUG=1 "
                "for details and report it."
            )


def index_option(func: Callable) -> Callable:
    return click.option(
        "--index",
        "index_dir",
        default="index",
        show_default=True,
        envvar="WORKBENCH_INDEX",
        type=click.Path(file_okay=False),
        help="Index folder (env WORKBENCH_INDEX).",
    )(func)


def model_option(func: Callable) -> Callable:
    return click.option(
        "--model",
        default=None,
        help="Embedding model: sentence-transformers name or folder (default: the index's own).",
    )(func)


def stance_option(func: Callable) -> Callable:
    return click.option(
        "--stance-model",
        default=None,
        help="Stance model: CrossEncoder NLI name or folder (default: workbench/models/stance).",
    )(func)


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def _set_backend(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--backend is process-wide: $WORKBENCH_BACKEND, read wherever a model is loaded."""
    if value:
        os.environ["WORKBENCH_BACKEND"] = value


def backend_option(func: Callable) -> Callable:
    return click.option(
        "--backend",
        type=click.Choice(["torch", "onnx", "onnx-int8"], case_sensitive=False),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_backend,
        help="How the models run: onnx (ONNX Runtime, the default), torch (PyTorch) or "
        "onnx-int8 (int8 stance model). Env WORKBENCH_BACKEND.",
    )(func)


def engine_options(func: Callable) -> Callable:
    """--index, --model, --stance-model and --backend: the options of every command that checks
    claims."""
    return index_option(model_option(stance_option(backend_option(func))))


def top_k_option(func: Callable) -> Callable:
    return click.option(
        "--top-k",
        default=10,
        show_default=True,
        type=click.IntRange(min=1),
        help="Evidence sentences to retrieve and score.",
    )(func)


def ray_options(func: Callable) -> Callable:
    """--ray [ADDRESS] and --workers N: run the command's heavy part on a Ray cluster."""
    func = click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="With --ray: worker processes (default one per CPU of the cluster).",
    )(func)
    return click.option(
        "--ray",
        "ray_address",
        is_flag=False,
        flag_value="local",
        default=None,
        metavar="[ADDRESS]",
        help="Run on Ray (pip install -e '.[ray]'): alone, a local Ray sized to this machine; "
        "with ADDRESS (HOST:PORT, ray://HOST:PORT or auto) join that cluster. The index and "
        "the files must be on a path every worker sees.",
    )(func)


def ray_session(ray_address: str | None, workers: int | None):
    """cluster.session.connect for --ray/--workers (imported late: Ray is an optional extra)."""
    if ray_address is None:
        if workers is not None:
            raise click.UsageError("--workers needs --ray.")
        return None
    from ..cluster.session import connect

    return connect(None if ray_address == "local" else ray_address, workers)


def open_workbench(
    index_dir: str,
    model: str | None = None,
    stance_model: str | None = None,
    create: bool = True,
    params=None,
):
    """Workbench.open, imported late so `workbench --help` does not load torch."""
    from ..api import Workbench

    return Workbench.open(
        index_dir, model=model, stance_model=stance_model, create=create, params=params
    )


def print_json(payload: object) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def cell(value: object, width: int | None = None) -> str:
    """A table cell: one line, "-" for nothing, cut to width with "..."."""
    text = " ".join(str("-" if value is None or value == "" else value).split())
    if width is not None and len(text) > width:
        text = text[: width - 3] + "..."
    return text


def format_table(head: tuple, rows: list[tuple], right: set[int] = frozenset()) -> list[str]:
    """Aligned lines of cells (head first); columns in `right` are right-aligned (numbers)."""
    rows = [head, *rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return [
        "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
