"""`workbench eval`: measure verdicts and evidence recall against gold labels."""

from __future__ import annotations

import click

from .common import backend_option, json_option, model_option, print_json, stance_option


@click.command("eval")
@click.option(
    "--dataset",
    type=click.Choice(["climate-fever", "fever"]),
    default=None,
    help="Evaluate on a public data set (builds its evidence index; needs --data).",
)
@click.option(
    "--data",
    default=None,
    type=click.Path(),
    help="The data set: ../shared/data/climate-fever/climate-fever.jsonl for climate-fever, "
    "the folder ../shared/data (holding nli/) for fever.",
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
    help="--dataset only: which claims (dev = even claim id, test = odd). The fever dev half "
    "trained the verdict aggregator: report its test half.",
)
@click.option(
    "--tune",
    is_flag=True,
    help="Tune the verdict thresholds and calibrate the confidence on the dev half; report "
    "both on the test half.",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Fit only the confidence calibration on the dev half, keeping the thresholds in use; "
    "report it on the test half.",
)
@click.option(
    "--save-params",
    is_flag=True,
    help="With --tune or --calibrate: keep what was fitted in the --index (see `index params`).",
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
@backend_option
@json_option
def evaluate(
    dataset,
    data,
    claims_file,
    index_dir,
    split,
    tune,
    calibrate,
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
    from ..evaluation.report import format_report
    from ..evaluation.runner import EvalOptions, evaluate_claims_file, evaluate_dataset

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    if bool(dataset) == bool(claims_file):
        raise click.UsageError("Give either --dataset (with --data) or --claims (with --index).")
    options = EvalOptions(
        index_dir=index_dir,
        model=model,
        stance_model=stance_model,
        top_k=top_k,
        limit=limit,
        tune=tune,
        calibrate=calibrate,
        save_params=save_params,
        outcomes_path=outcomes,
        progress=say,
    )
    if dataset:
        if not data:
            raise click.UsageError(
                "--dataset climate-fever needs --data PATH/climate-fever.jsonl; --dataset fever "
                "needs --data ../shared/data."
            )
        report, _ = evaluate_dataset(dataset, data, split, options)
    else:
        if split != "all":
            raise click.UsageError("--split applies to --dataset only.")
        report = evaluate_claims_file(claims_file, options)
    if as_json:
        print_json(report)
    else:
        click.echo(format_report(report))
