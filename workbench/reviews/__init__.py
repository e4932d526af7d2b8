"""Reviewer decisions about checked claims: append-only records and their exports."""
