"""Old import path of the metric functions, kept for workbench/eval_stance.py.

The module lives in workbench/evaluation/metrics.py; this alias goes once eval_stance.py moves
into workbench/evaluation/.
"""

from .evaluation.metrics import report

__all__ = ["report"]
