"""A rule's documentation, from its catalogue entry: the text of `explain` and the rule docs."""

from __future__ import annotations

from twelvefactor_lint.catalogue import Example, Rule

FACTORS = {
    "tool": ("12f-lint itself", "Findings about the run, not about the app."),
    "I": ("Codebase", "One codebase tracked in revision control, many deploys."),
    "II": ("Dependencies", "Explicitly declare and isolate dependencies."),
    "III": ("Config", "Store config in the environment."),
    "IV": ("Backing services", "Treat backing services as attached resources."),
    "V": ("Build, release, run", "Strictly separate build and run stages."),
    "VI": ("Processes", "Execute the app as one or more stateless processes."),
    "VII": ("Port binding", "Export services via port binding."),
    "VIII": ("Concurrency", "Scale out via the process model."),
    "IX": ("Disposability", "Maximize robustness with fast startup and graceful shutdown."),
    "X": ("Dev/prod parity", "Keep development, staging, and production as similar as possible."),
    "XI": ("Logs", "Treat logs as event streams."),
    "XII": ("Admin processes", "Run admin/management tasks as one-off processes."),
}


def _example(example: Example) -> list[str]:
    lines = []
    for file in example.files:
        language = "python" if file.path.endswith(".py") else ("yaml" if file.path.endswith((".yml", ".yaml")) else "dockerfile" if "ockerfile" in file.path else "")
        lines += [f"`{file.path}`:", "", f"```{language}", file.code.rstrip("\n"), "```", ""]
    return lines


def markdown(rule: Rule) -> str:
    factor_name, factor_motto = FACTORS[rule.factor]
    lines = [
        f"# {rule.id} {rule.name}",
        "",
        f"**{rule.title}** · factor {rule.factor} ({factor_name}) · default severity `{rule.severity}`",
        "",
        "## What it does",
        "",
        rule.title + ".",
        "",
        "## Why is this bad?",
        "",
        f"> {factor_name}: {factor_motto}",
        "",
        rule.rationale,
        "",
        "## Example",
        "",
        *(_example(rule.bad[0]) if rule.bad else ["(none)", ""]),
        "## Use instead",
        "",
        rule.fix,
        "",
        *_example(rule.good[0]),
        "## References",
        "",
        *[f"- {ref}" for ref in rule.references],
        "",
    ]
    return "\n".join(lines)
