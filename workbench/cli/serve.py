"""`workbench serve` (and `python app.py`): the reviewer UI."""

from __future__ import annotations

import click

from .common import engine_options

DEFAULT_MAX_UPLOAD_MB = 20  # the same default as workbench.ui.app.MAX_UPLOAD_MB (no UI import)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to listen on.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Require this login.")
@click.option(
    "--max-upload-mb",
    default=DEFAULT_MAX_UPLOAD_MB,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Largest accepted upload, in MB.",
)
@engine_options
def serve(host, port, auth, max_upload_mb, index_dir, model, stance_model) -> None:
    """Open the reviewer UI on http://HOST:PORT (builds the index from sources/ if needed)."""
    from ..ui.server import serve as serve_ui

    try:
        serve_ui(
            index_dir,
            host=host,
            port=port,
            auth=auth,
            model=model,
            stance_model=stance_model,
            max_upload_mb=max_upload_mb,
        )
    except KeyboardInterrupt:
        return
