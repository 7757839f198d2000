"""``python -m analysis`` is the same as the ``asean-japan`` command."""

import sys

from .cli import main

sys.exit(main())
