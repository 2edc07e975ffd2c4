"""Bugbear-style fixture files: every ``# expect: CODE`` line is found, nothing else is."""

import ast

import pytest

from flake8_nnparam.detection import analyze

from .conftest import expectations, fixture_files

ALL = fixture_files("positive") + fixture_files("negative") + fixture_files("deliberate")


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_expectations(path):
    source = path.read_text()
    found = {(f.line, f.code) for f in analyze(ast.parse(source), source)}
    assert sorted(found) == sorted(expectations(path))


def test_every_kind_has_fixtures():
    for kind in ("positive", "negative", "deliberate"):
        assert fixture_files(kind), kind


@pytest.mark.parametrize("path", fixture_files("negative"), ids=lambda p: p.name)
def test_negative_fixtures_expect_nothing(path):
    assert not expectations(path)


@pytest.mark.parametrize("path", fixture_files("deliberate"), ids=lambda p: p.name)
def test_deliberate_fixtures_expect_only_default_off_codes(path):
    assert all(code.startswith("MPR9") for _, code in expectations(path))
