"""Which FEVER claims the stance model has seen, so the verdict aggregator's data is held out.

The FEVER end-to-end set (evaluation/datasets.load_fever) takes claims from the verdict
hold-out share, which stage 4 on never trains on; stages 1-3 drew their FEVER pairs before that
share existed. Their mixes are deterministic, so they are rebuilt once and every claim they
hold is dropped from the end-to-end set (cached in the pairs folder, never committed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .data import _norm_claim
from .mix import build_mix
from .recipe import recipe_for

SEEN_FILE = "stance-seen-claims.json"
EARLY_STAGES = (1, 2, 3)


def stance_seen_claims(
    data_dir: Path, pairs_dir: Path = Path(".train"), log: Callable[[str], None] = print
) -> set[str]:
    """Normalised hypotheses of every pair stages 1-3 trained on (cached in pairs_dir)."""
    cache = pairs_dir / SEEN_FILE
    if cache.exists():
        return set(json.loads(cache.read_text(encoding="utf-8")))
    log(f"Rebuilding the stage {EARLY_STAGES} mixes once to list the claims they trained on ...")
    seen: set[str] = set()
    for stage in EARLY_STAGES:
        mix = build_mix(data_dir, recipe_for(stage), lambda message: None)
        seen.update(_norm_claim(h) for _, h, _ in mix)
    pairs_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(sorted(seen)), encoding="utf-8")
    return seen
