"""The docs cannot drift from the rule table, and their snippets work as written."""

import re
import subprocess
import sys

import pytest

from flake8_nnparam.detection.rules import RULES, render_rule_reference

from .conftest import ROOT, run_flake8


def test_rule_reference_is_generated_from_the_table():
    assert (ROOT / "docs" / "rules.md").read_text() == render_rule_reference()


def test_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text()
    for rule in RULES:
        assert f"`{rule.code}`" in readme, rule.code


def yaml_blocks(path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", path.read_text(), re.M | re.S)


def test_every_yaml_snippet_parses_and_pre_commit_configs_validate(tmp_path):
    """The snippets are copied as written: each must be valid YAML, and each pre-commit config valid for
    ``pre-commit validate-config`` (a top-level ``repos:`` list, every hook with its required keys)."""
    yaml = pytest.importorskip("yaml")
    pytest.importorskip("pre_commit")
    configs = 0
    for doc in (ROOT / "README.md", ROOT / "docs" / "integrations.md"):
        for block in yaml_blocks(doc):
            data = yaml.safe_load(block)
            assert data, block
            if not isinstance(data, dict) or "repos" not in data:
                continue  # a workflow or a fragment of one
            configs += 1
            config = tmp_path / f"config{configs}.yaml"
            config.write_text(block)
            proc = subprocess.run(
                [sys.executable, "-m", "pre_commit", "validate-config", str(config)], capture_output=True, text=True
            )
            assert proc.returncode == 0, f"{doc.name}:\n{block}\n{proc.stdout}{proc.stderr}"
            for repo in data["repos"]:
                if "flake8-nnparam" in repo["repo"]:  # a placeholder the reader fills in, or a revision that exists
                    rev = str(repo["rev"])
                    exists = subprocess.run(["git", "rev-parse", "-q", "--verify", f"{rev}^{{commit}}"], cwd=ROOT,
                                            capture_output=True).returncode == 0
                    assert rev.startswith("<") or exists, f"{doc.name}: rev {rev!r} does not exist"
    assert configs >= 4


def test_readme_says_what_setup_command_1_prints_and_returns():
    """Set-up command 1 lints the bundled example: the README promises its five bugs and exit 1."""
    readme = (ROOT / "README.md").read_text()
    assert "prints its five bugs and exits 1" in readme
    proc = run_flake8("--select", "MPR", "examples/", cwd=ROOT)
    assert proc.returncode == 1 and len(proc.stdout.splitlines()) == 5, proc.stdout + proc.stderr
