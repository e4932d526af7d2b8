"""The `workbench` command: index, check, verify, eval, serve, reviews, factchecks, train-stance,
eval-stance, eval-matching.

A thin shell over workbench.api (one module per verb group). Errors meant for people are one
sentence on stderr with exit code 1 (2 for usage errors); never a traceback (WORKBENCH_DEBUG=1
shows one).
"""

from __future__ import annotations

import click

from .check import check, verify
from .claims import COMMANDS as CHECKWORTHY_COMMANDS
from .common import WorkbenchGroup
from .evaluate import evaluate
from .factchecks import factchecks_group
from .index import index_group
from .matching import eval_matching
from .reviews import reviews_group
from .serve import serve
from .stance import eval_stance, train_stance, train_verdict


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claim-workbench", prog_name="workbench")
def main() -> None:
    """Check claims against your own documents, offline."""


for command in (
    index_group,
    check,
    verify,
    serve,
    evaluate,
    train_stance,
    train_verdict,
    eval_stance,
    eval_matching,
    reviews_group,
    factchecks_group,
    *CHECKWORTHY_COMMANDS,
):
    main.add_command(command)

if __name__ == "__main__":
    main()
