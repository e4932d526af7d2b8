"""`python -m workbench.cli ...` is the same as the `workbench` command."""

from .main import main

main()
