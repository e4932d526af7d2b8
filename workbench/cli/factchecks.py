"""`workbench factchecks add|list|remove|stats`: the claims already fact-checked, per index.

Every check looks them up (and the index's own saved reviews) and shows the close ones as
"Fact-checked before" above its evidence; `--json` results carry them as previously_checked.
"""

from __future__ import annotations

import click

from .common import cell, fail, format_table, index_option, json_option, open_workbench, print_json

CLAIM_WIDTH = 70


@click.group("factchecks")
def factchecks_group() -> None:
    """Import and list fact-checks that every check is matched against."""


@factchecks_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@index_option
@json_option
def add(files, index_dir, as_json) -> None:
    """Import FILES: ClaimReview JSON/JSON-LD (.json, .jsonld), web pages with ClaimReview
    markup (.html), tables with claim, rating, url, date and publisher columns (.csv, .tsv),
    or a CheckThat! verified-claims TSV. Rows already in the index are skipped; bad rows are
    reported with their line and the rest imported."""
    with open_workbench(index_dir) as wb:
        reports = wb.factchecks.add(list(files))
    if as_json:
        print_json([r.to_dict() for r in reports])
        return
    for report in reports:
        for problem in report.problems:
            click.echo(problem, err=True)
        click.echo(
            f"{report.path}: {report.added} fact-check{'s' * (report.added != 1)} added, "
            f"{report.duplicates} already in the index, {len(report.problems)} skipped."
        )


@factchecks_group.command("list")
@click.option("--contains", default=None, help="Only claims containing TEXT (case-insensitive).")
@click.option("--reviews", "only_reviews", is_flag=True, help="Only the index's own reviews.")
@click.option("--limit", default=50, show_default=True, help="At most this many, newest first.")
@index_option
@json_option
def list_factchecks(contains, only_reviews, limit, index_dir, as_json) -> None:
    """List the fact-checks of the index, newest first."""
    with open_workbench(index_dir, create=False) as wb:
        rows = wb.factchecks.list(limit, contains, "review" if only_reviews else None)
        total = wb.factchecks.stats()["factchecks"]
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    if not rows:
        fail(
            f"No fact-checks {'match' if contains else 'in'} {index_dir}"
            f"{' for ' + repr(contains) if contains else ''}; import some with "
            "`workbench factchecks add FILE`."
        )
    head = ("id", "rating", "claim", "publisher", "date", "url")
    body = [
        (
            cell(r.id),
            cell(r.factcheck.rating, 20),
            cell(r.factcheck.claim, CLAIM_WIDTH),
            cell(r.factcheck.publisher, 24),
            cell(r.factcheck.date),
            cell(r.factcheck.url),
        )
        for r in rows
    ]
    click.echo("\n".join(format_table(head, body, right={0})))
    click.echo(f"{len(rows)} of {total} fact-checks shown.")


@factchecks_group.command("remove")
@click.argument("ids", nargs=-1, required=True, type=int)
@index_option
def remove(ids, index_dir) -> None:
    """Remove imported fact-checks by id (see `factchecks list`)."""
    with open_workbench(index_dir, create=False) as wb:
        removed = wb.factchecks.remove(list(ids))
    missing = [i for i in ids if i not in removed]
    if removed:
        click.echo(f"Removed {len(removed)} fact-check{'s' * (len(removed) != 1)}.")
    if missing:
        fail(
            f"No fact-check with id {', '.join(map(str, missing))} in {index_dir}; "
            "see `workbench factchecks list`."
        )


@factchecks_group.command("stats")
@index_option
@json_option
def stats(index_dir, as_json) -> None:
    """How many fact-checks the index has, by origin, rating and publisher."""
    with open_workbench(index_dir, create=False) as wb:
        figures = wb.factchecks.stats()
    if as_json:
        print_json(figures)
        return
    click.echo(f"Fact-checks: {figures['factchecks']} ({figures['sources']} imported files)")
    for title, key in (
        ("By origin", "by_origin"),
        ("By rating", "by_rating"),
        ("By publisher", "by_publisher"),
    ):
        if figures[key]:
            parts = ", ".join(f"{k} {n}" for k, n in figures[key].items())
            click.echo(f"{title}: {parts}")
    if figures["dates"]["first"]:
        click.echo(f"Dates: {figures['dates']['first']} to {figures['dates']['last']}")
