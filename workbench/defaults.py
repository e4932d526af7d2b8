"""Defaults shared by the API, the CLI, the UI, Ray and evaluation: each is defined here once."""

TOP_K = 10  # evidence sentences judged per claim
MAX_CLAIM_CHARS = 2000  # longer input is not one statement: check one at a time
