"""Command line: `workbench index add|list|remove|stats`, `workbench check`, `workbench verify`,
`workbench eval`.

A thin shell over workbench.api. Errors meant for people are printed as one sentence on
stderr with exit code 1 (2 for usage errors); never a traceback (set WORKBENCH_DEBUG=1 for one).
"""

from __future__ import annotations

import json
import os
import sys
import textwrap

import click

from ..errors import WorkbenchError

EXIT_ERROR = 1


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class _Group(click.Group):
    """Turns WorkbenchError (and anything unexpected) into one line on stderr."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except WorkbenchError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted; everything committed so far is kept.", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - no tracebacks for people
            if os.environ.get("WORKBENCH_DEBUG"):
                raise
            _fail(
                f"unexpected {type(exc).__name__}: {exc}; rerun with WORKBENCH_DEBUG=1 "
                "for details and report it."
            )


def index_option(func):
    return click.option(
        "--index",
        "index_dir",
        default="index",
        show_default=True,
        envvar="WORKBENCH_INDEX",
        type=click.Path(file_okay=False),
        help="Index folder (env WORKBENCH_INDEX).",
    )(func)


def model_option(func):
    return click.option(
        "--model",
        default=None,
        help="Embedding model: sentence-transformers name or folder (default: the index's own).",
    )(func)


def stance_option(func):
    return click.option(
        "--stance-model",
        default=None,
        help="Stance model: CrossEncoder NLI name or folder (default: workbench/models/stance).",
    )(func)


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def _open(
    index_dir: str,
    model: str | None = None,
    stance_model: str | None = None,
    create: bool = True,
    params=None,
):
    from ..api import Workbench

    return Workbench.open(
        index_dir, model=model, stance_model=stance_model, create=create, params=params
    )


def _print_json(payload) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claim-workbench", prog_name="workbench")
def main() -> None:
    """Check claims against your own documents, offline."""


@main.group("index")
def index_group() -> None:
    """Build and inspect the evidence index."""


@index_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@model_option
@json_option
def index_add(paths, index_dir, model, as_json) -> None:
    """Add files or folders (.txt .md .html .pdf .jsonl .csv); unchanged files are skipped."""
    with _open(index_dir, model) as wb:
        report = wb.add(list(paths), progress=not as_json and sys.stderr.isatty())
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(report.summary() + ".")
        for error in report.errors:
            click.echo(f"Skipped: {error}", err=True)
    if report.errors:
        sys.exit(EXIT_ERROR)


@index_group.command("list")
@index_option
@json_option
def index_list(index_dir, as_json) -> None:
    """List indexed documents."""
    from dataclasses import asdict

    with _open(index_dir, create=False) as wb:
        docs = wb.documents()
    if as_json:
        _print_json([asdict(d) for d in docs])
        return
    if not docs:
        click.echo("The index is empty; add documents with `workbench index add PATH`.")
    for d in docs:
        click.echo(f"{d.doc_id}\t{d.date or '-'}\t{d.n_sentences} sentences\t{d.title}")


@index_group.command("remove")
@click.argument("doc_id")
@index_option
@json_option
def index_remove(doc_id, index_dir, as_json) -> None:
    """Remove one document by its id (see `workbench index list`)."""
    with _open(index_dir, create=False) as wb:
        removed = wb.remove(doc_id)
    if as_json:
        _print_json({"doc_id": doc_id, "removed": removed})
    elif removed:
        click.echo(f"Removed {doc_id}.")
    if not removed:
        _fail(f"No document with id '{doc_id}' in {index_dir}; see `workbench index list`.")


@index_group.command("stats")
@index_option
@json_option
def index_stats(index_dir, as_json) -> None:
    """Counts, embedding model and vector index type."""
    with _open(index_dir, create=False) as wb:
        stats = wb.stats()
    if as_json:
        _print_json(stats)
        return
    for key, value in stats.items():
        click.echo(f"{key}: {value}")


@index_group.command("params")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Save one threshold in the index (min_relevance, full_relevance, decide, conflict).",
)
@click.option("--reset", is_flag=True, help="Forget the saved thresholds; use the defaults.")
@index_option
@json_option
def index_params(assignments, reset, index_dir, as_json) -> None:
    """Show (or set, or reset) the verdict thresholds this index uses.

    `workbench eval ... --tune --save-params` saves thresholds tuned on labelled claims.
    """
    from ..pipeline.verdict import VerdictParams

    if reset and assignments:
        raise click.UsageError("Give either --set or --reset, not both.")
    from ..pipeline.verdict import DEFAULT_PARAMS

    # --reset must work even when the saved thresholds are unreadable: do not load them
    with _open(index_dir, create=False, params=DEFAULT_PARAMS if reset else None) as wb:
        if reset:
            wb.reset_params()
        elif assignments:
            values = wb.params.to_dict()
            for item in assignments:
                name, sep, value = item.partition("=")
                if not sep or name.strip() not in values:
                    _fail(
                        f"--set takes NAME=VALUE with NAME one of {', '.join(values)}; "
                        f"got '{item}'."
                    )
                values[name.strip()] = value.strip()
            provenance = {"set_by": "workbench index params --set"}
            wb.save_params(VerdictParams.from_dict(values, "--set values"), provenance)
        params = wb.stats()["verdict_params"]
    if as_json:
        _print_json(params)
        return
    for key, value in params.items():
        click.echo(f"{key}: {value}")


def _format_result(result) -> str:
    lines = [
        f"Claim:   {result.claim}",
        f"Verdict: {result.verdict} (confidence {result.confidence:.2f})",
    ]
    if not result.evidence:
        lines.append("No evidence found in the index.")
    else:
        lines.append("Evidence:")
    for rank, ev in enumerate(result.evidence, start=1):
        probs = f"sup {ev.p_supports:.2f} / ref {ev.p_refutes:.2f} / neu {ev.p_neutral:.2f}"
        quote = textwrap.fill(
            f'"{ev.sentence}"', width=96, initial_indent="     ", subsequent_indent="      "
        )
        lines.append(f"{rank:>3}. {ev.stance.upper()}  score {ev.score:.2f}  ({probs})")
        lines.append(quote)
        lines.append(
            f"      -- {ev.title} ({ev.date or 'undated'}), {ev.source} [{ev.start}:{ev.end}]"
        )
    return "\n".join(lines)


@main.command("check")
@click.argument("claim")
@click.option(
    "--date", default=None, help="Claim date YYYY-MM-DD: only evidence published by then."
)
@click.option(
    "--top-k",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="Evidence sentences to retrieve and score.",
)
@index_option
@model_option
@stance_option
@json_option
def check(claim, date, top_k, index_dir, model, stance_model, as_json) -> None:
    """Check one CLAIM against the index and print the verdict with its evidence."""
    with _open(index_dir, model, stance_model, create=False) as wb:
        result = wb.check(claim, date=date, top_k=top_k)
    if as_json:
        _print_json(result.to_dict())
    else:
        click.echo(_format_result(result))


@main.command("verify")
@click.argument("claims_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Results file; rerunning with the same file resumes where it stopped.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default=None,
    help="Output format (default: from the output suffix, else jsonl).",
)
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--quiet", is_flag=True, help="No progress bar.")
@index_option
@model_option
@stance_option
def verify(claims_file, output, fmt, top_k, quiet, index_dir, model, stance_model) -> None:
    """Check every claim in CLAIMS_FILE (.csv/.jsonl: id, claim[, date]) into a results file."""
    from ..batch.files import ResultWriter, done_ids, read_claims

    fmt = fmt or ("csv" if output.lower().endswith(".csv") else "jsonl")
    claims = read_claims(claims_file)
    finished = done_ids(output, fmt)
    todo, seen = [], set(finished)
    for item in claims:
        if item["id"] in seen:
            if item["id"] not in finished:
                click.echo(
                    f"Warning: claim id {item['id']} appears twice; checked it once.", err=True
                )
            continue
        seen.add(item["id"])
        todo.append(item)
    if finished:
        click.echo(
            f"Resuming: {len(finished)} claims already in {output}, {len(todo)} to go.", err=True
        )
    errors = 0
    with _open(index_dir, model, stance_model, create=False) as wb:
        _ = wb.stance  # fail before writing anything when no stance model is installed
        with ResultWriter(output, fmt) as writer:
            for result in wb.check_many(todo, progress=not quiet, top_k=top_k):
                if result.error:
                    errors += 1
                    click.echo(f"Skipped: {result.error}", err=True)
                    continue
                writer.write(result.to_dict())
    click.echo(f"Wrote {len(todo) - errors} results to {output} ({fmt}).", err=True)
    if errors:
        _fail(f"{errors} claims could not be checked (see above); fix them and rerun to resume.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to listen on.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Require this login.")
@index_option
@model_option
@stance_option
def serve(host, port, auth, index_dir, model, stance_model) -> None:
    """Open the reviewer UI on http://HOST:PORT (builds the index from sources/ if needed)."""
    from ..ui.app import serve as serve_ui

    serve_ui(index_dir, host=host, port=port, auth=auth, model=model, stance_model=stance_model)


@main.command("eval")
@click.option(
    "--dataset",
    type=click.Choice(["climate-fever"]),
    default=None,
    help="Evaluate on a public data set (builds its evidence index; needs --data).",
)
@click.option(
    "--data",
    default=None,
    type=click.Path(dir_okay=False),
    help="The data set file, e.g. ../shared/data/climate-fever/climate-fever.jsonl.",
)
@click.option(
    "--claims",
    "claims_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="Labelled claims .csv/.jsonl (id, claim, label[, date][, evidence]) to check "
    "against --index.",
)
@click.option(
    "--index",
    "index_dir",
    default=None,
    envvar="WORKBENCH_INDEX",
    type=click.Path(file_okay=False),
    help="Index folder: the one to check --claims against (default: index), or where to "
    "build/reuse the --dataset index (default: a temporary folder).",
)
@click.option(
    "--split",
    type=click.Choice(["all", "dev", "test"]),
    default="all",
    show_default=True,
    help="--dataset only: which claims (dev = even claim id, test = odd).",
)
@click.option(
    "--tune",
    is_flag=True,
    help="Tune the verdict thresholds on the dev half and report them on the test half.",
)
@click.option(
    "--save-params",
    is_flag=True,
    help="With --tune: keep the tuned thresholds in the --index (see `index params`).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N claims.")
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--quiet", is_flag=True, help="No progress messages on stderr.")
@click.option(
    "--outcomes",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also write one JSON line per claim (gold, verdict, confidence, evidence, stance).",
)
@model_option
@stance_option
@json_option
def evaluate(
    dataset,
    data,
    claims_file,
    index_dir,
    split,
    tune,
    save_params,
    limit,
    top_k,
    quiet,
    outcomes,
    model,
    stance_model,
    as_json,
) -> None:
    """Measure verdicts (accuracy, macro-F1, ECE) and evidence recall against gold labels."""
    from ..evaluation.evaluate import evaluate_claims_file, evaluate_climate_fever, format_report

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    if bool(dataset) == bool(claims_file):
        raise click.UsageError("Give either --dataset (with --data) or --claims (with --index).")
    if dataset:
        if not data:
            raise click.UsageError("--dataset climate-fever needs --data PATH/climate-fever.jsonl.")
        report = evaluate_climate_fever(
            data,
            index_dir,
            stance_model,
            model,
            top_k,
            limit,
            split,
            tune,
            progress=say,
            outcomes_path=outcomes,
            save_params=save_params,
        )
    else:
        if split != "all":
            raise click.UsageError("--split applies to --dataset only.")
        report = evaluate_claims_file(
            claims_file,
            index_dir or "index",
            stance_model,
            model,
            top_k,
            limit,
            progress=say,
            outcomes_path=outcomes,
            tune_params=tune,
            save_params=save_params,
        )
    if as_json:
        _print_json(report)
    else:
        click.echo(format_report(report))


@main.command("train-stance")
@click.option(
    "--data",
    "data_dir",
    default="../shared/data",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="Folder holding nli/ and fever-symmetric/ (the public training sets).",
)
@click.option(
    "--out",
    "out_dir",
    default="workbench/models/stance",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the CrossEncoder folder.",
)
@click.option(
    "--pairs-dir",
    default=".train",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Compact train/valid pair files (built once, reused; never committed).",
)
@click.option(
    "--max-minutes",
    type=float,
    default=None,
    help="Stop (with the learning rate decayed to zero) after this many minutes.",
)
@click.option(
    "--base", default=None, help="Encoder to start from (default: the bundled all-MiniLM-L6-v2)."
)
@click.option(
    "--stage",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="1: fine-tune the base; 2: continue from --init, debiased (see model card).",
)
@click.option(
    "--init",
    "init_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Stage-1 model folder that stage 2 continues from.",
)
def train_stance(data_dir, out_dir, pairs_dir, max_minutes, base, stage, init_dir) -> None:
    """Train the stance model (3-way NLI cross-encoder) from public NLI / FEVER data."""
    from pathlib import Path

    from ..train_stance import run

    result = run(
        Path(data_dir),
        Path(out_dir),
        Path(pairs_dir),
        max_minutes,
        base,
        log=lambda msg: click.echo(msg, err=True),
        stage=stage,
        init=init_dir,
    )
    _print_json(result)


@main.command("eval-stance")
@click.option(
    "--data",
    "data_dir",
    default="../shared/data",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="Folder holding fever-symmetric/, climate-fever/ and nli/sick/.",
)
@click.option(
    "--pairs-dir",
    default=".train",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the training recipe keeps its validation split (rebuilt if absent).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Choice(
        ["fever_symmetric", "fever_symmetric_v0.2_dev", "climate_fever", "sick", "validation"]
    ),
    help="Evaluate only these sets (repeatable; default: all but v0.2 dev).",
)
@click.option(
    "--write-card",
    is_flag=True,
    help="Record the results in the model folder's card (README.md, training.json).",
)
@stance_option
@json_option
def eval_stance(data_dir, pairs_dir, sets, write_card, stance_model, as_json) -> None:
    """Accuracy, macro-F1 and confusion matrices of the stance model on held-out pair sets."""
    from pathlib import Path

    from ..eval_stance import evaluate, format_text
    from ..pipeline.stance import DEFAULT_STANCE_PATH
    from ..train_stance import record_metrics

    kwargs = {"sets": tuple(sets)} if sets else {}
    results = evaluate(
        stance_model,
        Path(data_dir),
        Path(pairs_dir),
        log=lambda msg: click.echo(msg, err=True),
        **kwargs,
    )
    if write_card:
        record_metrics(Path(stance_model) if stance_model else DEFAULT_STANCE_PATH, results)
    if as_json:
        _print_json(results)
    else:
        click.echo(format_text(results))


if __name__ == "__main__":
    main()
