"""Old import path of the stance model, kept for workbench/eval_stance.py (`from .stance import`).

The module lives in workbench/pipeline/stance.py; this alias goes once eval_stance.py moves
into workbench/evaluation/.
"""

from .pipeline.stance import DEFAULT_STANCE_PATH, StanceModel

__all__ = ["DEFAULT_STANCE_PATH", "StanceModel"]
