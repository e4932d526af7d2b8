"""Should the stance model read evidence with its neighbouring text? (issue 19, measured, not kept)

    CONTEXT=previous python benchmarks/evidence_context.py train-verdict \
        --stance-model .train/ctx/previous/stance --index .train/fever-index --json
    CONTEXT=previous python benchmarks/evidence_context.py eval --dataset climate-fever \
        --data ../shared/data/climate-fever/climate-fever.jsonl --index .train/cf-index \
        --stance-model .train/ctx/previous/stance --json

Runs any `workbench` command with the stance model reading, instead of the evidence sentence
alone, CONTEXT=previous: the stored text from the previous sentence of the same document through
the sentence, or CONTEXT=neighbours: the previous, the sentence and the next (the Passage's
`context`). The claim side is unchanged. Give --stance-model a *copy* of the stance model folder:
train-verdict writes the aggregator fitted on these stance scores into it, and the evaluation
then uses that aggregator. docs/stance-model.md has the figures.
"""

from __future__ import annotations

import os
import sys

MODES = ("previous", "neighbours")


def premise(hit, mode: str) -> str:
    """What the stance model reads for one retrieved sentence under mode."""
    sentence, context = hit.sentence, hit.context or hit.sentence
    if mode == "previous":
        at = context.find(sentence)
        return context[: at + len(sentence)].strip() if at >= 0 else sentence
    return context.strip() or sentence


def main() -> None:
    from dataclasses import replace

    from workbench import checking
    from workbench.cli.main import main as workbench

    mode = os.environ.get("CONTEXT", "")
    if mode not in MODES:
        sys.exit(f"Set CONTEXT to one of {', '.join(MODES)}; got {mode!r}.")
    judge = checking.Checker.judge

    def judge_in_context(self, claims, hits, score_all):
        """Checker.judge, given each hit with premise() in place of its sentence."""
        hits = [[replace(hit, sentence=premise(hit, mode)) for hit in found] for found in hits]
        return judge(self, claims, hits, score_all)

    checking.Checker.judge = judge_in_context
    sys.argv = ["workbench", *sys.argv[1:]]
    workbench()


if __name__ == "__main__":
    main()
