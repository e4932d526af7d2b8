"""`workbench index add|list|remove|edit|stats|params`: build and inspect the evidence index."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import asdict

import click

from .common import (
    EXIT_ERROR,
    fail,
    index_option,
    json_option,
    model_option,
    open_workbench,
    print_json,
    ray_options,
    ray_session,
)


@click.group("index")
def index_group() -> None:
    """Build and inspect the evidence index."""


@index_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@model_option
@json_option
@ray_options
def index_add(paths, index_dir, model, as_json, ray_address, workers) -> None:
    """Add files or folders (.txt .md .html .pdf .jsonl .csv); unchanged files are skipped.

    With --ray (after the paths) Ray workers read, segment and embed the files and this process
    commits them into the index, as a plain run does.
    """
    session = ray_session(ray_address, workers)
    progress = not as_json and sys.stderr.isatty()
    # join (or start) Ray first: a cluster that cannot be reached leaves no index folder behind
    with session or contextlib.nullcontext() as cluster, open_workbench(index_dir, model) as wb:
        if cluster is None:
            report = wb.add(list(paths), progress=progress)
        else:
            from ..cluster.index import add_on_ray

            report = add_on_ray(wb, list(paths), cluster, progress=progress)
    if as_json:
        print_json(report.to_dict())
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
    with open_workbench(index_dir, create=False) as wb:
        docs = wb.documents()
    if as_json:
        print_json([asdict(d) for d in docs])
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
    with open_workbench(index_dir, create=False) as wb:
        removed = wb.remove(doc_id)
    if as_json:
        print_json({"doc_id": doc_id, "removed": removed})
    elif removed:
        click.echo(f"Removed {doc_id}.")
    if not removed:
        fail(f"No document with id '{doc_id}' in {index_dir}; see `workbench index list`.")


def _shown(value: str | None) -> str:
    return "(none)" if value is None else repr(value)


@index_group.command("edit")
@click.argument("doc_id")
@click.option("--title", default=None, help="The corrected title.")
@click.option(
    "--date", default=None, metavar="YYYY-MM-DD", help='The corrected date ("" removes it).'
)
@index_option
@json_option
def index_edit(doc_id, title, date, index_dir, as_json) -> None:
    """Correct a document's title and/or date (see `workbench index list` for ids).

    Every change is logged in the index (document_edits: old value, new value, when) and wins
    over the file's own title and date whenever the file is added again. Without --title and
    --date it shows the document's edit log.
    """
    with open_workbench(index_dir, create=False) as wb:
        if title is None and date is None:
            if wb.document(doc_id) is None:
                fail(f"No document with id '{doc_id}' in {index_dir}; see `workbench index list`.")
            changes = []
        else:
            changes = wb.edit_document(doc_id, title=title, date=date)
        doc = wb.document(doc_id)
        history = wb.document_edits(doc_id)
    if as_json:
        print_json(
            {
                "doc_id": doc_id,
                "title": doc.title,
                "date": doc.date,
                "changed": [asdict(e) for e in changes],
                "edits": [asdict(e) for e in history],
            }
        )
        return
    if title is None and date is None:
        click.echo(f"{doc_id}\t{doc.date or '-'}\t{doc.title}")
        for e in history:
            click.echo(f"{e.edited_at}\t{e.field}\t{_shown(e.old_value)} -> {_shown(e.new_value)}")
        if not history:
            click.echo("No edits yet; correct it with --title and/or --date.")
        return
    if not changes:
        click.echo(f"Nothing to change: {doc_id} already has that title and date.")
    for e in changes:
        click.echo(f"Edited {doc_id}: {e.field} {_shown(e.old_value)} -> {_shown(e.new_value)}.")


@index_group.command("stats")
@index_option
@json_option
def index_stats(index_dir, as_json) -> None:
    """Counts, embedding model and vector index type."""
    with open_workbench(index_dir, create=False) as wb:
        stats = wb.stats()
    if as_json:
        print_json(stats)
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
    with open_workbench(index_dir, create=False, params=DEFAULT_PARAMS if reset else None) as wb:
        if reset:
            wb.reset_params()
        elif assignments:
            # hand-set thresholds drop the confidence calibration: it was fitted for the old ones
            values = wb.params.thresholds()
            dropped = bool(wb.params.calibration)
            for item in assignments:
                name, sep, value = item.partition("=")
                if not sep or name.strip() not in values:
                    fail(
                        f"--set takes NAME=VALUE with NAME one of {', '.join(values)}; "
                        f"got '{item}'."
                    )
                values[name.strip()] = value.strip()
            provenance = {"set_by": "workbench index params --set"}
            wb.save_params(VerdictParams.from_dict(values, "--set values"), provenance)
            if dropped:
                click.echo(
                    "The confidence calibration was fitted for the previous thresholds, so it "
                    "is dropped; `workbench eval ... --tune --save-params` fits both again.",
                    err=True,
                )
        params = wb.stats()["verdict_params"]
    if as_json:
        print_json(params)
        return
    for key, value in params.items():
        if key == "calibration":  # {verdict: [slope, intercept]}
            value = "; ".join(f"{v} slope {a} intercept {b}" for v, (a, b) in value.items())
        click.echo(f"{key}: {value}")
