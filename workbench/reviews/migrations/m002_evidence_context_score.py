"""Reviews schema 2: keep each evidence item's context and score too, so a review stores the
whole Evidence its reviewer saw (workbench/evidence.py: ReviewedEvidence)."""

SQL = """
ALTER TABLE review_evidence ADD COLUMN context TEXT;
ALTER TABLE review_evidence ADD COLUMN score REAL;
"""
