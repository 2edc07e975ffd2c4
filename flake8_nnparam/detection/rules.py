"""The code table: every code, its message, whether it is on by default, its fix, and its examples.

Each rule family keeps its entries beside its decision (``tensor_rules.py``, ``container_rules.py``);
this module gathers them. Each rule carries its own invalid and valid snippets (Fixit style); one
generic test turns them into tests, and docs/rules.md is generated from this table.
"""

from __future__ import annotations

from . import call_rules, container_rules, tensor_rules
from .rule import Rule

_ENGINE_RULES = (
    Rule(
        "MPR999",
        "not-analysed",
        "file could not be analysed by flake8-nnparam: {reason}",
        what="(off by default) The file could not be analysed (for example, recursion too deep).",
        why="Nothing was checked in it; the run goes on.",
        fix="",
    ),
)

RULES: tuple[Rule, ...] = tuple(
    sorted(tensor_rules.RULES + container_rules.RULES + call_rules.RULES + _ENGINE_RULES, key=lambda rule: rule.code)
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def matches_no_code(entry: str) -> bool:
    """A select/ignore entry that is neither a code of this table nor a prefix of one (``MPR01``)."""
    return not any(rule.code.startswith(entry) for rule in RULES)


def render_rule_reference() -> str:
    """docs/rules.md, generated from this table (a test keeps the file in step)."""
    out = [
        "# Rule reference",
        "",
        "Generated from `flake8_nnparam/detection/rules.py` by "
        "`python -m flake8_nnparam.detection.rules > docs/rules.md`; do not edit by hand.",
        "",
        "| code | name | default | autofix |",
        "| --- | --- | --- | --- |",
    ]
    for rule in RULES:
        default = "on" if rule.default_on else "off"
        out.append(f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {default} | {'yes' if rule.fix else 'no'} |")
    for rule in RULES:
        out += ["", f"## {rule.code}", "", f"**{rule.name}** (on by default: {'yes' if rule.default_on else 'no'})", ""]
        out += [f"Message: `{rule.code} {rule.documented_message}`", ""]
        out += ["### What it finds", "", rule.what, "", "### Why it is a bug", "", rule.why, ""]
        for example in rule.invalid:
            out += ["### Example", "", "```python", example.rstrip(), "```", ""]
        for example in rule.valid:
            out += ["### Correct", "", "```python", example.rstrip(), "```", ""]
        out += ["### Fix", "", rule.fix or "No automatic fix: the right change needs a human decision.", ""]
        if rule.fix:
            out += [
                "Fix safety: unsafe when the fix adds `state_dict()` keys (an old checkpoint loaded with "
                "`strict=True` will report them missing; load with `strict=False` once or re-save) or a new "
                "Parameter (it joins `parameters()`, so an optimizer built afterwards updates it); safe when it "
                "adds neither (a `persistent=False` buffer, an `nn.ModuleList` of Dropouts). Each finding says "
                "which (`[safe fix]` / `[unsafe fix: ...]`).",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_rule_reference(), end="")
