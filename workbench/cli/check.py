"""`workbench check` (one claim) and `workbench verify` (a claims file into a results file)."""

from __future__ import annotations

import contextlib
import os
import textwrap

import click

from .common import (
    engine_options,
    fail,
    json_option,
    open_workbench,
    print_json,
    ray_options,
    ray_session,
    top_k_option,
)


def _format_result(result) -> str:
    lines = [
        f"Claim:   {result.claim}",
        f"Verdict: {result.verdict} (confidence {result.confidence:.2f}"
        f"{', calibrated' if result.confidence_calibrated else ''})",
    ]
    if result.basis and result.basis.get("text"):
        deciding = ", ".join(f"#{i + 1}" for i in result.basis.get("deciding") or [])
        why = f"{result.basis['rule']}: {result.basis['text']}"
        why += f" Deciding evidence: {deciding}." if deciding else ""
        lines.append(
            textwrap.fill(why, width=96, initial_indent="Why:     ", subsequent_indent="         ")
        )
    lines += format_prior_checks(result.previously_checked)
    if not result.evidence:
        lines.append("No evidence found in the index.")
    else:
        lines.append("Evidence:")
    for rank, ev in enumerate(result.evidence, start=1):
        if ev.p_supports is None:  # "not scored": too far from the claim to move the verdict
            probs = "below the relevance threshold"
        else:
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


def format_prior_checks(prior: list) -> list[str]:
    """The "Fact-checked before" block: each match's rating, who and when, claim and url."""
    if not prior:
        return []
    lines = ["Fact-checked before:"]
    for match in prior:
        who = "reviewed in this index" if match.origin == "review" else "fact-checked"
        by = f" by {match.publisher}" if match.publisher else ""
        when = f" on {match.date}" if match.date else ""
        rating = match.rating or "no rating given"
        lines.append(f"  - {rating.upper()}: {who}{by}{when} (similarity {match.score:.2f})")
        lines.append(
            textwrap.fill(
                f'"{match.claim}"', width=96, initial_indent="    ", subsequent_indent="     "
            )
        )
        if match.url:
            lines.append(f"    {match.url}")
    return lines


@click.command("check")
@click.argument("claim")
@click.option(
    "--date", default=None, help="Claim date YYYY-MM-DD: only evidence published by then."
)
@top_k_option
@engine_options
@json_option
def check(claim, date, top_k, index_dir, model, stance_model, as_json) -> None:
    """Check one CLAIM against the index and print the verdict with its evidence."""
    with open_workbench(index_dir, model, stance_model, create=False) as wb:
        result = wb.check(claim, date=date, top_k=top_k)
    if as_json:
        print_json(result.to_dict())
    else:
        click.echo(_format_result(result))


@click.command("verify")
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
@top_k_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
@engine_options
@ray_options
def verify(
    claims_file, output, fmt, top_k, quiet, index_dir, model, stance_model, ray_address, workers
) -> None:
    """Check every claim in CLAIMS_FILE (.csv/.jsonl: id, claim[, date][, label]) into a
    results file.

    It ends with a summary on stderr: the verdict counts of the whole results file (a resumed
    run's earlier results included) and, where claims have a gold label (as `workbench eval`
    reads it), the accuracy and a confusion matrix.

    With --ray the claims are checked by a pool of Ray workers (each holding both models) and
    results are written as they finish, in any order; resuming works the same way.
    """
    from ..batch.claims import read_claims
    from ..batch.results import ResultWriter, done_ids
    from ..batch.runner import pending_claims, repeated_message, run_batch
    from ..batch.summary import LABEL_FIELD

    fmt = fmt or ("csv" if output.lower().endswith(".csv") else "jsonl")
    if _same_file(claims_file, output):
        fail(f"The output {output} is the claims file {claims_file} itself; give another -o file.")
    claims = read_claims(claims_file, extra_fields=(LABEL_FIELD,))
    finished = done_ids(output, fmt)  # refuses, untouched, a file that is not such results
    todo, repeated = pending_claims(claims, finished)
    for item in repeated:
        click.echo(f"Skipped: {repeated_message(item)}", err=True)
    if finished:
        click.echo(
            f"Resuming: {len(finished)} claims already in {output}, {len(todo)} to go.", err=True
        )

    def report_skipped(result) -> None:
        if result.error:
            click.echo(f"Skipped: {result.error}", err=True)

    session = ray_session(ray_address, workers)
    with open_workbench(index_dir, model, stance_model, create=False) as wb:
        with session or contextlib.nullcontext() as cluster:
            check_many = None
            if cluster is not None:  # the workers load the models; the driver only writes
                from ..cluster.verify import RayChecker

                check_many = RayChecker(cluster, index_dir, model, stance_model).check_many
            else:
                _ = wb.stance  # fail before writing anything when no stance model is installed
            with ResultWriter(output, fmt) as writer:
                report = run_batch(
                    wb,
                    todo,
                    [writer],
                    top_k=top_k,
                    progress=not quiet,
                    on_result=report_skipped,
                    check_many=check_many,
                )
    click.echo(f"Wrote {report.written} results to {output} ({fmt}).", err=True)
    unchecked = len(report.skipped) + len(repeated)
    _print_summary(output, fmt, claims, unchecked)
    if unchecked:
        fail(f"{unchecked} claims could not be checked (see above); fix them and rerun to resume.")


def _print_summary(output: str, fmt: str, claims: list[dict], unchecked: int) -> None:
    """Verdict counts of the whole results file (earlier runs included) and, with gold labels
    in the claims file, accuracy and the confusion matrix; on stderr, even with --quiet (which
    only hides the progress bar), so stdout stays free."""
    from ..batch.results import result_verdicts
    from ..batch.summary import format_summary, summarize_run

    summary = summarize_run(result_verdicts(output, fmt), claims, skipped=unchecked)
    click.echo(format_summary(summary, output), err=True)


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (links and ./ spellings included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return os.path.realpath(a) == os.path.realpath(b)
