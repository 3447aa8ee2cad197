"""How often two judges agree on the same findings: the noise floor under every precision figure.

    python bench/accuracy/agreement.py --half tune --second bench/accuracy/second_judgments [--json]

A second judge, who never saw the first one's verdicts, judges some repositories' warning+ findings again into
`<second>/<owner>__<name>.yaml` (a `judgments:` list in the label files' format). Each finding of the saved run
is paired with the label file's judgment and with the second one (`score.match_judgments`, both ways alike);
findings both judged are counted: the verdict matrix, raw agreement on true/noisy/false, agreement on "true or
not" (what strict precision counts) and its Cohen's kappa, and the strict precision each judge alone gives.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import score
import yaml

HERE = Path(__file__).resolve().parent


def paired_verdicts(half: str, second: Path, root: Path = HERE) -> list[tuple[str, str]]:
    """(first verdict, second verdict) of every warning+ finding of `half`'s runs that both judges judged."""
    pairs = []
    for path in sorted(second.glob("*.yaml")):
        slug = path.stem
        run = json.loads((root / "runs" / half / f"{slug}.json").read_text())["findings"]
        labels = yaml.safe_load((root / "labels" / half / f"{slug}.yaml").read_text()) or {}
        again = yaml.safe_load(path.read_text()) or {}
        first = score.match_judgments(run, labels.get("judgments") or [])
        other = score.match_judgments(run, again.get("judgments") or [])
        pairs += [(score.verdict(a), score.verdict(b)) for (_, a), (_, b) in zip(first, other, strict=True) if a and b]
    return pairs


def summary(pairs: list[tuple[str, str]]) -> dict:
    """The matrix and agreement figures of paired verdicts (`None` where nothing was paired)."""
    n = len(pairs)
    matrix = Counter(f"{a}/{b}" for a, b in pairs)
    same = sum(a == b for a, b in pairs)
    first_true, second_true = (sum(p[i] == "true" for p in pairs) for i in (0, 1))
    binary = sum((a == "true") == (b == "true") for a, b in pairs)
    chance = (first_true * second_true + (n - first_true) * (n - second_true)) / n / n if n else None
    kappa = (binary / n - chance) / (1 - chance) if n and chance is not None and chance < 1 else None
    return {"paired": n, "matrix": dict(sorted(matrix.items())), "agreement": same / n if n else None,
            "true_or_not_agreement": binary / n if n else None, "kappa_true_or_not": kappa,
            "strict_precision_first": first_true / n if n else None,
            "strict_precision_second": second_true / n if n else None}


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("tune", "report"), default="tune")
    parser.add_argument("--second", type=Path, required=True, help="directory of the second judge's files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = summary(paired_verdicts(args.half, args.second))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"findings judged by both: {result['paired']}")
    for cell, count in result["matrix"].items():
        print(f"  first/second {cell:13} {count}")
    kappa = result["kappa_true_or_not"]
    print(f"agreement (true/noisy/false): {_percent(result['agreement'])}; on true or not: "
          f"{_percent(result['true_or_not_agreement'])} (Cohen's kappa {'n/a' if kappa is None else f'{kappa:.2f}'})")
    print(f"strict precision by the first judge {_percent(result['strict_precision_first'])}, "
          f"by the second {_percent(result['strict_precision_second'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
