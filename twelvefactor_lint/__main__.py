"""`python -m twelvefactor_lint`, the same as the `12f-lint` script.

`python -m` puts the current directory first on sys.path, so in the repository being linted its own
`yaml.py` or `json.py` would be imported - executed - instead of the real module; it is taken off first.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from twelvefactor_lint.entry import main  # noqa: E402 - after the sys.path fix, which is the point

main()
