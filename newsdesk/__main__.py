"""``python -m newsdesk``: the same command line as the ``newsdesk`` script."""

import sys

from newsdesk.ui.cli import main

sys.exit(main())
