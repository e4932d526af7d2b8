"""Check-worthiness commands: `claims extract`, `check-article`, `eval-checkworthy`,
`train-checkworthy`. Thin shells over workbench.checkworthy (models are imported late so
`workbench --help` stays fast)."""

from __future__ import annotations

import sys

import click

from .common import engine_options, fail, json_option, print_json, top_k_option

DATA_HELP = "Folder holding claimbuster/ and ct24/ (../shared/data/checkworthy)."


_data_option = click.option(
    "--data",
    "data_dir",
    default="../shared/data/checkworthy",
    show_default=True,
    type=click.Path(file_okay=False),
    help=DATA_HELP,
)


def _threshold_option(func):
    return click.option(
        "--threshold",
        type=click.FloatRange(0.0, 1.0),
        default=None,
        help="Keep sentences scoring at least this (default: the model's own threshold).",
    )(func)


def _top_option(func):
    return click.option(
        "--top", type=click.IntRange(min=1), default=None, help="Keep at most N claims per file."
    )(func)


def _checkworthy_model_option(func):
    return click.option(
        "--checkworthy-model",
        default=None,
        type=click.Path(file_okay=False),
        help="Check-worthiness model folder (default: workbench/models/checkworthy).",
    )(func)


@click.group("claims")
def claims_group() -> None:
    """Find the check-worthy claims of documents."""


@claims_group.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Claims file to write (.csv or .jsonl), read as is by `workbench verify`.",
)
@_threshold_option
@_top_option
@_checkworthy_model_option
@json_option
def extract(files, output, threshold, top, checkworthy_model, as_json) -> None:
    """Score every sentence of FILE... (txt/md/html/pdf) and keep the check-worthy claims."""
    from ..checkworthy.extract import extract_claims, format_claims, write_claims
    from ..checkworthy.model import load_model

    if output and any(_same(output, f) for f in files):
        fail(f"The output {output} is one of the input files; give another -o file.")
    model = load_model(checkworthy_model)
    claims = extract_claims(list(files), threshold=threshold, top=top, model=model)
    if output:
        write_claims(claims, output)
        click.echo(f"Wrote {len(claims)} claims to {output}.", err=True)
    if as_json:
        print_json([claim.to_dict() for claim in claims])
    elif not output:
        click.echo(format_claims(claims))


@click.command("check-article")
@click.argument("file", type=click.Path(dir_okay=False))
@_threshold_option
@_top_option
@top_k_option
@_checkworthy_model_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also write the results (JSONL); rerunning with it resumes where it stopped.",
)
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
@engine_options
@json_option
def check_article(
    file,
    threshold,
    top,
    top_k,
    checkworthy_model,
    output,
    quiet,
    index_dir,
    model,
    stance_model,
    as_json,
) -> None:
    """Extract the check-worthy claims of FILE and check each against the index."""
    from ..checkworthy.article import check_article as run
    from ..checkworthy.article import format_summary
    from ..checkworthy.model import load_model
    from .common import open_workbench

    if output and _same(output, file):
        fail(f"The output {output} is the article {file} itself; give another -o file.")
    with open_workbench(index_dir, model, stance_model, create=False) as wb:
        cw_model = load_model(checkworthy_model, embedder=wb.embedder)
        rows = run(
            wb,
            file,
            cw_model,
            threshold=threshold,
            top=top,
            top_k=top_k,
            output=output,
            progress=None if quiet else lambda line: click.echo(line, err=True),
        )
    if as_json:
        print_json(rows)
    else:
        click.echo(format_summary(rows))


@click.command("eval-checkworthy")
@_data_option
@click.option(
    "--gold",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Also score a CheckThat! TSV (Sentence_id, Text, class_label Yes/No); repeatable.",
)
@_checkworthy_model_option
@json_option
def eval_checkworthy(data_dir, gold, checkworthy_model, as_json) -> None:
    """Positive-class F1/P/R per evaluation set, beside a TF-IDF + LR baseline (same run)."""
    from ..checkworthy.evaluate import evaluate, format_report
    from ..checkworthy.model import load_model

    report = evaluate(data_dir, list(gold), model=load_model(checkworthy_model))
    if as_json:
        print_json(report)
    else:
        click.echo(format_report(report))


@click.command("train-checkworthy")
@_data_option
@click.option(
    "--out",
    "out_dir",
    default="workbench/models/checkworthy",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Model folder to write (config.json, head.npz, README.md).",
)
@click.option(
    "--recipe",
    type=click.Choice(["head", "fine-tune"]),
    default="head",
    show_default=True,
    help="head: TF-IDF + frozen MiniLM (a minute); fine-tune: MiniLM's layers (six runs).",
)
@click.option(
    "--cache",
    default=None,
    type=click.Path(dir_okay=False),
    help="head: scratch .npz keeping the training embeddings between runs (never committed).",
)
@click.option(
    "--scratch",
    default=None,
    type=click.Path(file_okay=False),
    help="fine-tune: scratch folder keeping each fold's scores, so a stopped run resumes.",
)
def train_checkworthy(data_dir, out_dir, recipe, cache, scratch) -> None:
    """Train a check-worthiness model on ClaimBuster crowdsourced.csv (validated by debate)."""
    from ..checkworthy.train import main as train_main

    argv = ["--data", data_dir, "--out", out_dir, "--recipe", recipe]
    argv += ["--cache", cache] if cache else []
    argv += ["--scratch", scratch] if scratch else []
    command = f"nice -n 15 workbench train-checkworthy --data {data_dir} --out {out_dir}"
    command += f" --recipe {recipe}" if recipe != "head" else ""
    sys.exit(train_main(argv, command))


def _same(a: str, b: str) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


COMMANDS = (claims_group, check_article, eval_checkworthy, train_checkworthy)
