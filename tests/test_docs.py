"""The docs cannot drift from the rule table."""

from flake8_nnparam.detection.rules import RULES, render_rule_reference

from .conftest import ROOT


def test_rule_reference_is_generated_from_the_table():
    assert (ROOT / "docs" / "rules.md").read_text() == render_rule_reference()


def test_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text()
    for rule in RULES:
        assert f"`{rule.code}`" in readme, rule.code
