"""`python -m steward`: the same as the `steward` command."""

import sys

from steward.cli.main import main

sys.exit(main())
