"""Reviewer UI: `python app.py [--index DIR] [--host H] [--port P] [--auth USER:PASSWORD]`.

The same as `workbench serve` (one command line, in workbench/cli/serve.py). Opens
http://127.0.0.1:7860 on the default index (./index), building it from index/sources/ first if
needed. The UI itself lives in workbench/ui/.
"""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]], prog_name="app.py"))
