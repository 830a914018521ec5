"""`python -m corridors.cli`: the same as the `corridors` console script."""

import sys

from . import main

sys.exit(main())
