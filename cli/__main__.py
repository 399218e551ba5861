"""python -m synthlaw.cli"""

import sys

from synthlaw.cli import main

sys.exit(main())
