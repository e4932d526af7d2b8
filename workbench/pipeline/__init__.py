"""The stages a document and a claim pass through, in order.

ingest -> normalize -> segment -> embed (documents); retrieve -> stance -> verdict (claims).
Each module knows only the stages before it; workbench.api wires them together.
"""
