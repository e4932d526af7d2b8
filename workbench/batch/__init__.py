"""Checking a file of claims: reading claims files and writing resumable results files."""
