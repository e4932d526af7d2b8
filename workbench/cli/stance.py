"""`workbench train-stance` / `workbench eval-stance`: the stance model's own commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..evaluation.stance import EXTRA_SETS, PROBES, SETS
from .common import json_option, print_json, stance_option


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
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="1: fine-tune the base; 2: continue from --init, debiased; 3: continue from --init "
    "with negation-symmetric, contrastive and hard-neutral pairs, calibrated (see model card).",
)
@click.option(
    "--init",
    "init_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Model folder of the previous stage, that stages 2 and 3 continue from.",
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
