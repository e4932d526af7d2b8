"""`python -m workbench ...` is the same as the `workbench` command."""

from .cli import main

main()
