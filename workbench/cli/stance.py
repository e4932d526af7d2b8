"""`workbench train-stance` / `workbench eval-stance`: the stance model's own commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..evaluation.stance import EXTRA_SETS, PROBES, SETS
from .common import backend_option, json_option, model_option, print_json, stance_option


def data_options(data_help: str, pairs_help: str):
    """--data (the public sets in ../shared/data) and --pairs-dir (.train/), shared by both."""

    def decorate(command):
        command = click.option(
            "--pairs-dir",
            default=".train",
            show_default=True,
            type=click.Path(file_okay=False),
            help=pairs_help,
        )(command)
        return click.option(
            "--data",
            "data_dir",
            default="../shared/data",
            show_default=True,
            type=click.Path(file_okay=False, exists=True),
            help=data_help,
        )(command)

    return decorate


@click.command("train-stance")
@data_options(
    "Folder holding nli/ and fever-symmetric/ (the public training sets).",
    "Compact train/valid pair files (built once, reused; never committed).",
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
    type=click.IntRange(1, 5),
    default=1,
    show_default=True,
    help="1: fine-tune the base; 2: continue from --init, debiased; 3: continue from --init "
    "with negation-symmetric, contrastive and hard-neutral pairs, calibrated; 4: continue from "
    "--init with one-fact swaps and number paraphrases, bf16 where the CPU has it; 5: stage 4's "
    "recipe again from the stage-4 model on a fresh draw (model card).",
)
@click.option(
    "--init",
    "init_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Model folder of the previous stage, that stages 2 to 5 continue from.",
)
def train_stance(data_dir, out_dir, pairs_dir, max_minutes, base, stage, init_dir) -> None:
    """Train the stance model (3-way NLI cross-encoder) from public NLI / FEVER data."""
    from ..training.run import run

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
    print_json(result)


@click.command("eval-stance")
@data_options(
    "Folder holding fever-symmetric/, climate-fever/ and nli/sick/.",
    "Where the training recipe keeps its validation split (rebuilt if absent).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Choice([*SETS, *EXTRA_SETS, *PROBES]),
    help="Evaluate only these sets and probes (repeatable; default: all but v0.2 dev).",
)
@click.option(
    "--compare",
    "others",
    multiple=True,
    help="Also evaluate this stance model (folder or name) on the same pairs and print the "
    "models side by side (repeatable).",
)
@click.option(
    "--write-card",
    is_flag=True,
    help="Record the results in the model folder's card (README.md, training.json).",
)
@stance_option
@json_option
def eval_stance(data_dir, pairs_dir, sets, others, write_card, stance_model, as_json) -> None:
    """Accuracy, macro-F1, confusion matrices and the negation / contrast / false-conflict probes
    of the stance model on held-out pair sets; --compare adds models side by side."""
    from ..evaluation.stance import compare, format_side_by_side, format_text
    from ..pipeline.stance import DEFAULT_STANCE_PATH
    from ..training.card import record_metrics

    kwargs = {"sets": tuple(sets)} if sets else {}
    all_results = compare(
        [stance_model, *others],
        Path(data_dir),
        Path(pairs_dir),
        log=lambda msg: click.echo(msg, err=True),
        **kwargs,
    )
    results = all_results[0]
    if write_card:
        record_metrics(Path(stance_model) if stance_model else DEFAULT_STANCE_PATH, results)
    if as_json:
        print_json(results if not others else {"models": all_results})
    elif others:
        click.echo(format_side_by_side(all_results))
    else:
        click.echo(format_text(results))


@click.command("train-verdict")
@data_options(
    "Folder holding nli/ (the FEVER claims and evidence) and fever-symmetric/.",
    "Where the list of claims stances stages 1-3 trained on is cached (built once).",
)
@click.option(
    "--index",
    "index_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Where to build/reuse the pooled FEVER evidence index (default: a temporary folder).",
)
@click.option(
    "--outcomes",
    default=None,
    type=click.Path(dir_okay=False),
    help="Reuse the stance outcomes saved by an earlier run (skips checking), or with "
    "--save-outcomes, where to save them.",
)
@click.option("--save-outcomes", is_flag=True, help="Write the outcomes to --outcomes.")
@model_option
@stance_option
@backend_option
@json_option
def train_verdict(
    data_dir, pairs_dir, index_dir, outcomes, save_outcomes, model, stance_model, as_json
) -> None:
    """Fit the verdict aggregator on held-out FEVER claims checked end to end; write it as
    verdict.json into the stance model's folder."""
    from ..evaluation.outcomes import read_outcomes
    from ..evaluation.runner import EvalOptions, evaluate_dataset
    from ..pipeline.stance import DEFAULT_STANCE_PATH
    from ..training.verdict import train_verdict as fit

    def say(message: str) -> None:
        click.echo(message, err=True)

    stance_dir = Path(stance_model) if stance_model else DEFAULT_STANCE_PATH
    if not (stance_dir / "config.json").is_file():
        raise click.UsageError(f"--stance-model {stance_dir} is not a model folder.")
    if outcomes and not save_outcomes:
        found = read_outcomes(outcomes)
        source = {"outcomes": str(outcomes)}
    else:
        options = EvalOptions(
            index_dir=index_dir,
            model=model,
            stance_model=str(stance_dir),
            outcomes_path=outcomes if save_outcomes else None,
            progress=say,
            pairs_dir=pairs_dir,
        )
        report, found = evaluate_dataset("fever", data_dir, "all", options)
        source = {
            "split_rule": report["split_rule"],
            "corpus_sentences": report["corpus_sentences"],
        }
    result = fit(found, stance_dir, {"data": source}, say)
    if as_json:
        print_json(result)
    else:
        click.echo(
            f"Wrote {result['written_to']} (recipe {result['recipe']}, C {result['fit']['C']})."
        )
        for name in ("dev", "test"):
            ours, rule = result[name], result[f"{name}_hand_rule"]
            click.echo(
                f"  {name}: accuracy {ours['accuracy']} (hand-set rule {rule['accuracy']}), "
                f"macro-F1 {ours['macro_f1']} ({rule['macro_f1']}), confidence AUROC "
                f"{ours['confidence_auroc']} ({rule['confidence_auroc']}), ECE {ours['ece']} "
                f"({rule['ece']})"
            )
