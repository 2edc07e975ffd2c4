"""``python -m flake8_nnparam``: the standalone command."""

import sys

from .cli import main

sys.exit(main())
