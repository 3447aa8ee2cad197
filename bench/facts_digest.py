"""Digest every Python file's facts under some directories, to show that a change to the analyzer (a speed-up)
leaves its facts as they were.

    PYTHONPATH=BEFORE python bench/facts_digest.py before.json DIR...
    PYTHONPATH=AFTER  python bench/facts_digest.py after.json DIR...
    python bench/facts_digest.py --compare before.json after.json

Each file's facts and directives (as `analyze.python.analyze_here` gives them, through their reprs) are hashed;
the comparison lists the files whose digests differ. The code under test is whichever `twelvefactor_lint` the
interpreter imports first (PYTHONPATH), so two checkouts can be compared with one environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys


def digests(roots: list[str]) -> dict[str, str]:
    from twelvefactor_lint.analyze.python import analyze_here

    found = {}
    for root in roots:
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d != "node_modules")
            for name in sorted(f for f in files if f.endswith(".py")):
                path = os.path.join(directory, name)
                try:
                    with open(path, "rb") as handle:
                        data = handle.read(1_000_001)
                except OSError:
                    continue
                if len(data) > 1_000_000:
                    continue
                try:
                    analysis = analyze_here(os.path.relpath(path, root), data)
                    text = repr(analysis.facts) + repr(analysis.directives)
                except Exception as error:  # noqa: BLE001 - a file the analyzer rejects is compared by how it fails
                    text = f"raised {type(error).__name__}"
                found[path] = hashlib.sha1(text.encode()).hexdigest()
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 3:
        with open(argv[1]) as a, open(argv[2]) as b:
            before, after = json.load(a), json.load(b)
        changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
        for path in changed:
            print(path)
        print(f"{len(changed)} of {len(before.keys() | after.keys())} files differ")
        return 1 if changed else 0
    if len(argv) < 2:
        print(__doc__)
        return 2
    found = digests(argv[1:])
    with open(argv[0], "w") as out:
        json.dump(found, out)
    print(f"{len(found)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
