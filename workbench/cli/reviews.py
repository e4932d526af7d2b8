"""`workbench reviews list|export|publisher`: the reviews saved in the UI, for scripts.

list and export show the latest review of every reviewed claim, newest first, through the same
filters as the UI's Review tab (ReviewStore.reviewed_claims); export writes the same JSONL and
schema.org ClaimReview files as its export buttons. publisher sets (or shows) who publishes the
index's fact checks, once per index: the ClaimReview author, publisher and page url.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from .common import cell, fail, index_option, json_option, open_workbench, print_json
from .common import format_table as table

VERDICT_NAMES = "SUPPORTED, REFUTED, CONFLICTING or NOT_ENOUGH_INFO"
CLAIM_WIDTH = 60  # table cells longer than these are cut (--json has everything)
NOTE_WIDTH = 40
REVIEWER_WIDTH = 20


def filter_options(func):
    """--reviewer, --verdict, --contains, --overruled: which reviewed claims."""
    func = click.option(
        "--overruled",
        is_flag=True,
        help="Only claims whose final verdict differs from the machine's (or had none).",
    )(func)
    func = click.option(
        "--contains", default=None, help="Only claims containing TEXT (case-insensitive)."
    )(func)
    func = click.option(
        "--verdict",
        default=None,
        metavar="VERDICT",
        help="Only this final verdict: SUPPORTED, REFUTED, CONFLICTING, NOT_ENOUGH_INFO "
        "(any case; SUPPORTS / REFUTES / NOT ENOUGH INFO / DISPUTED too).",
    )(func)
    func = click.option(
        "--reviewer",
        default=None,
        metavar="NAME",
        help="Only this reviewer's reviews (case-insensitive).",
    )(func)
    return index_option(func)


def _verdict(value: str | None) -> str | None:
    """The verdict name for --verdict (None: any), by the evaluation's label spellings."""
    if value is None or not value.strip():
        return None
    from ..evaluation.datasets import normalize_label

    verdict = normalize_label(value)
    if verdict is None:
        fail(f"Unknown verdict {value.strip()!r} for --verdict; use {VERDICT_NAMES}.")
    return verdict


def _filters_text(reviewer, verdict, contains, overruled) -> str:
    parts = [f"--reviewer {reviewer!r}"] if reviewer else []
    parts += [f"--verdict {verdict}"] if verdict else []
    parts += [f"--contains {contains!r}"] if contains else []
    parts += ["--overruled"] if overruled else []
    return " ".join(parts)


@contextlib.contextmanager
def review_store(index_dir) -> Iterator:
    """The ReviewStore of an existing index (no models are loaded)."""
    from ..reviews.store import ReviewStore

    with open_workbench(index_dir, create=False) as wb:
        yield ReviewStore(wb.db_path)


def matching_reviews(store, index_dir, reviewer, verdict, contains, overruled) -> list:
    """The latest review of each reviewed claim that passes the filters; a one-sentence error
    (exit 1) when nothing matches."""
    reviewer = (reviewer or "").strip() or None
    contains = (contains or "").strip() or None
    reviews = store.reviewed_claims(
        reviewer=reviewer, verdict=verdict, text=contains, disagrees_with_machine=overruled
    )
    if not reviews:
        filters = _filters_text(reviewer, verdict, contains, overruled)
        if not filters or not store.reviewed_claims():
            fail(
                f"The index in {index_dir} has no reviews yet; review claims in the UI "
                "(`workbench serve`) first."
            )
        fail(f"No reviewed claims match {filters} in {index_dir}.")
    return reviews


def format_table(reviews: list) -> str:
    """One aligned row per reviewed claim (its latest review), long cells cut."""
    head = ("id", "claim", "final", "machine", "reviewer", "reviewed at", "reviews", "note")
    rows = [head] + [
        (
            cell(r.review_id),
            cell(r.claim, CLAIM_WIDTH),
            cell(r.final_verdict),
            cell(r.machine_verdict),
            cell(r.reviewer, REVIEWER_WIDTH),
            cell(r.created_at),
            cell(r.n_reviews),
            cell(r.note, NOTE_WIDTH),
        )
        for r in reviews
    ]
    lines = table(head, rows[1:], right={0, 6})
    n = len(reviews)
    lines.append(f"{n} reviewed claim{'' if n == 1 else 's'}, each with its latest review.")
    return "\n".join(lines)


@click.group("reviews")
def reviews_group() -> None:
    """List and export the reviews saved in the reviewer UI."""


@reviews_group.command("list")
@filter_options
@json_option
def reviews_list(index_dir, reviewer, verdict, contains, overruled, as_json) -> None:
    """The latest review of every reviewed claim, newest first: review id, claim, final and
    machine verdict, reviewer, time, number of reviews, note. --json prints a JSON array of
    the full review records (evidence judgments included), as `reviews export` writes them."""
    verdict = _verdict(verdict)
    with review_store(index_dir) as store:
        reviews = matching_reviews(store, index_dir, reviewer, verdict, contains, overruled)
    if as_json:
        print_json([r.to_dict() for r in reviews])
    else:
        click.echo(format_table(reviews))


@reviews_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "claimreview"], case_sensitive=False),
    default="jsonl",
    show_default=True,
    help="jsonl: one review record per line; claimreview: a JSON-LD array of schema.org "
    "ClaimReview objects.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (replaced whole, atomically); - for stdout.",
)
@filter_options
def reviews_export(fmt, output, index_dir, reviewer, verdict, contains, overruled) -> None:
    """Export the latest review of every reviewed claim (or those the filters keep), as the
    UI's export buttons do; the count goes to stderr."""
    verdict = _verdict(verdict)
    with review_store(index_dir) as store:
        reviews = matching_reviews(store, index_dir, reviewer, verdict, contains, overruled)
        export = store.export_claimreview if fmt.lower() == "claimreview" else store.export_jsonl
        if output == "-":
            click.echo(_exported_text(export, reviews), nl=False)
        else:
            _export_to(export, reviews, output)
        notice = store.publisher().notice() if fmt.lower() == "claimreview" else ""
    n = len(reviews)
    where = "stdout" if output == "-" else output
    click.echo(f"Exported {n} reviewed claim{'' if n == 1 else 's'} to {where} ({fmt}).", err=True)
    if notice:
        click.echo(notice, err=True)


@reviews_group.command("publisher")
@click.option(
    "--name",
    default=None,
    metavar="NAME",
    help="The organisation (or person) publishing the fact checks: the ClaimReview author and "
    'publisher. "" clears it.',
)
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Base url of the published fact-check pages (http or https); a review's page, the "
    'ClaimReview url, is URL/reviews/<review id>. "" clears it.',
)
@index_option
@json_option
def reviews_publisher(name, url, index_dir, as_json) -> None:
    """Set the publisher of this index's ClaimReview exports (kept in the index, for every later
    export and the UI); with no option, show it. Each change is recorded, never overwritten."""
    with review_store(index_dir) as store:
        if name is None and url is None:
            publisher = store.publisher()
        else:
            publisher = store.set_publisher(name=name, url=url)
    if as_json:
        print_json({"name": publisher.name, "url": publisher.url})
        return
    click.echo(f"Publisher: {publisher.name or '(not set)'}")
    if publisher.url:
        click.echo(f"Base url: {publisher.url} (review pages: {publisher.url}/reviews/<review id>)")
    else:
        click.echo("Base url: (not set)")
    if publisher.notice():
        click.echo(publisher.notice(), err=True)


def _exported_text(export, reviews: list) -> str:
    """What the store's export writes, for stdout (written to a temporary file first, so the
    file and stdout exports are byte for byte the same)."""
    with tempfile.TemporaryDirectory(prefix="workbench-reviews-") as folder:
        path = Path(folder) / "reviews"
        export(path, reviews)
        return path.read_text(encoding="utf-8")


def _export_to(export, reviews: list, output: str) -> None:
    try:
        export(output, reviews)
    except OSError as exc:
        fail(f"Cannot write {output} ({exc.strerror or exc}); give another -o file.")
