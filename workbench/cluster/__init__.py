"""Scale-out on Ray: batch verification and index building across a cluster (optional extra).

session.py joins or starts Ray, verify.py checks claims on an actor pool, index.py reads,
segments and embeds documents on workers while the driver stays the index's one writer.
Nothing here imports Ray at module level: without the extra only the --ray options fail.
"""
