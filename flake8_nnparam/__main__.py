"""``python -m flake8_nnparam``: the standalone command."""

import sys

from .command import main

sys.exit(main())
