"""``python -m autobahn.flatc ARGS``: the bundled FlatBuffers compiler."""

import sys

from autobahn.flatc import main

sys.exit(main())
