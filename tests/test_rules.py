"""Fixit-style: every rule's own examples are tests, and the code table is sound."""

import ast
import re

import pytest

from flake8_nnparam.detection import PREFIX, RULES, RULES_BY_CODE, analyze

EXPECT = re.compile(r"#\s*(MPR\d+)\s*$")


def _found(source):
    return {(f.line, f.code) for f in analyze(ast.parse(source), source)}


def _marked(source):
    return {
        (n, m.group(1)) for n, line in enumerate(source.splitlines(), 1) if (m := EXPECT.search(line))
    }


EXAMPLES = [(r.code, "invalid", i, src) for r in RULES for i, src in enumerate(r.invalid)] + [
    (r.code, "valid", i, src) for r in RULES for i, src in enumerate(r.valid)
]


@pytest.mark.parametrize("code,kind,index,source", EXAMPLES, ids=lambda v: str(v)[:12])
def test_rule_examples(code, kind, index, source):
    if kind == "invalid":
        marked = _marked(source)
        assert marked and all(c == code for _, c in marked)
        assert _found(source) == marked
    else:  # correct code: no default-on finding (a default-off note on a deliberate choice may remain)
        assert {(line, c) for line, c in _found(source) if RULES_BY_CODE[c].default_on} == set()


def test_codes_unique_and_well_formed():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)) == len(RULES_BY_CODE)
    for code in codes:
        # flake8 only accepts codes of 1-3 letters followed by digits.
        assert re.fullmatch(r"[A-Z]{1,3}[0-9]{1,3}", code)
        assert code.startswith(PREFIX)


def test_every_default_on_rule_has_examples():
    for rule in RULES:
        if rule.default_on:
            assert rule.invalid and rule.valid, rule.code


@pytest.mark.parametrize(
    "common_prefix",
    # Prefixes of popular flake8 plugins and tools: an `ignore = X` for any of them must not hide us.
    ["E", "W", "F", "C", "C4", "C9", "B", "B9", "N", "NN", "D", "I", "Q", "S", "T", "TOR", "PT", "P",
     "SIM", "A", "ANN", "RST", "DAR", "U", "R", "G", "H", "Y", "Z", "WPS", "ECE", "JS", "PL", "UP"],
)
def test_prefix_not_hidden_by_common_selections(common_prefix):
    assert not PREFIX.startswith(common_prefix)


def test_messages_name_attribute_consequence_and_fix():
    """The real message of each rule's first example names the attribute, the consequence and the fix."""
    for rule in RULES:
        if rule.code == "MPR999" or not rule.invalid:
            continue
        source = rule.invalid[0]
        (finding,) = [f for f in analyze(ast.parse(source), source) if f.code == rule.code]
        message = finding.message
        # MPR009 names the layer it builds (no attribute holds it): "nn.Dropout(...) is built in forward"
        named = f"{finding.attr}(...)" if rule.code == "MPR009" else f"self.{finding.attr}"
        assert named in message, rule.code
        assert any(word in message for word in ("state_dict", "parameters()", ".to(", ".eval()")), rule.code
        assert any(word in message for word in ("use ", "register", "wrap", "nn.")), rule.code
        assert "\n" not in message and message.startswith(rule.code + " ")
