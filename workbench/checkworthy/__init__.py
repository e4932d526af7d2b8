"""Check-worthiness: score sentences of a text and extract the claims worth checking."""
