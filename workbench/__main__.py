"""`python -m workbench ...` is the same as the `workbench` command."""

from .cli.main import main

main()
