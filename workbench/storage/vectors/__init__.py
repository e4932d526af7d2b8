"""Approximate nearest neighbour backends over FAISS, txtai style: a tiny base + one module each."""

from .base import ANN
from .factory import CROSSOVER, choose, create, load

__all__ = ["ANN", "CROSSOVER", "choose", "create", "load"]
