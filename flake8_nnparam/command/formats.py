"""Output formats: flake8-style text, JSON, GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path
from typing import Sequence

from .. import __version__
from ..detection import RULES, Finding
from .runner import FileReport


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def sorted_rows(reports: Sequence[FileReport]) -> list[tuple[str, Finding]]:
    rows = [(r.display, f) for r in reports for f in r.findings]
    rows.sort(key=lambda row: (row[0], _cell(row[1]) or 0, row[1].line, row[1].col, row[1].code))
    return rows


def _cell(finding: Finding) -> int | None:
    """The notebook cell of a finding (its ``line`` counts inside that cell), None in a .py file."""
    return getattr(finding, "cell", None) or None


def format_text(rows) -> str:
    """``path:line:col: message``; in a notebook ``path:cell N:line:col: message``, as ruff prints it."""
    return "".join(
        f"{path}:{'' if _cell(f) is None else f'cell {_cell(f)}:'}{f.line}:{f.col + 1}: {f.message}\n"
        for path, f in rows
    )


def _edits(fix) -> list[dict]:
    """A fix's edits with 1-based lines and columns (columns in characters, as ruff's JSON)."""
    return [
        {"location": {"row": e.line, "column": e.col + 1}, "end_location": {"row": e.end_line, "column": e.end_col + 1},
         "content": e.text}
        for e in fix.edits
    ]


def _json_fix(f: Finding) -> dict | None:
    if f.fix is None:
        return None
    return {
        "applicability": f.fix.applicability,
        "message": f.fix.description,
        "new_state_dict_keys": list(f.fix.new_keys),
        "checkpoint": f.fix.checkpoint or None,
        "edits": _edits(f.fix) if _cell(f) is None else None,  # a notebook's edits are in its virtual module
    }


def format_json(rows) -> str:
    items = [
        {
            "path": path,
            "cell": _cell(f),
            "line": f.line,
            "column": f.col + 1,
            "end_line": f.end_line or f.line,
            "code": f.code,
            "message": f.message,
            "fixable": f.fix is not None,
            "evidence": f.evidence,
            "use_line": f.use_line or None,
            "fix": _json_fix(f),
            "no_fix_reason": f.no_fix or None,
        }
        for path, f in rows
    ]
    return json.dumps(items, indent=2) + "\n"


def _sarif_fix(path: str, f: Finding) -> dict:
    text = f"{f.fix.applicability} fix: {f.fix.description}"
    if f.fix.checkpoint:
        text += f" ({f.fix.checkpoint})"
    return {
        "description": {"text": text},
        "artifactChanges": [
            {
                "artifactLocation": _sarif_artifact(path),
                "replacements": [
                    {
                        "deletedRegion": {"startLine": e.line, "startColumn": e.col + 1,
                                          "endLine": e.end_line, "endColumn": e.end_col + 1},
                        "insertedContent": {"text": e.text},
                    }
                    for e in f.fix.edits
                ],
            }
        ],
    }


def format_github(rows) -> str:
    # A notebook's annotation carries the line inside the cell, and the cell at the head of the message.
    return "".join(
        f"::warning file={_github_escape(path, True)},line={f.line},col={f.col + 1},"
        f"title={_github_escape(f.code, True)}::"
        f"{'' if _cell(f) is None else f'cell {_cell(f)}, line {f.line}: '}{_github_escape(f.message)}\n"
        for path, f in rows
    )


def _sarif_artifact(path: str) -> dict:
    """A percent-encoded URI reference: relative to the checkout root, or a file: URI when absolute."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": urllib.parse.quote(path.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def sarif_log(rows) -> dict:
    rule_index = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.message.split(";")[0].format_map(_Blank())},
            "fullDescription": {"text": rule.what},
            "help": {"text": rule.why + (f" Fix: {rule.fix}" if rule.fix else "")},
            "defaultConfiguration": {"level": "warning", "enabled": rule.default_on},
            "properties": {"fixable": bool(rule.fix)},
        }
        for rule in RULES
    ]
    results = []
    for path, f in rows:
        result = {
            "ruleId": f.code,
            "level": "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _sarif_artifact(path),
                        "region": {"startLine": f.line, "startColumn": f.col + 1, "endLine": f.end_line or f.line},
                    }
                }
            ],
        }
        if f.code in rule_index:
            result["ruleIndex"] = rule_index[f.code]
        properties = {"evidence": f.evidence} if f.evidence else {}
        if f.use_line:  # the use that breaks, shown beside the binding by SARIF viewers
            result["relatedLocations"] = [
                {
                    "id": 1,
                    "physicalLocation": {"artifactLocation": _sarif_artifact(path), "region": {"startLine": f.use_line}},
                    "message": {"text": f"self.{f.attr} {f.evidence}"},
                }
            ]
        if _cell(f) is not None:
            # SARIF has no notebook cells: the region counts lines inside this cell.
            properties.update(cell=_cell(f), lineInCell=f.line)
            result["message"]["text"] = f"cell {_cell(f)}, line {f.line}: {f.message}"
        if f.fix is not None:
            if _cell(f) is None:  # a notebook's edits are in its virtual module: no file region to give
                result["fixes"] = [_sarif_fix(path, f)]
            properties.update(fixable=True, fixApplicability=f.fix.applicability)
        else:
            properties.update(fixable=False, **({"noFixReason": f.no_fix} if f.no_fix else {}))
        result["properties"] = properties
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flake8-nnparam",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/flake8-nnparam/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "<attr>" if key == "attr" else ""


def format_sarif(rows) -> str:
    return json.dumps(sarif_log(rows), indent=2) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github, "sarif": format_sarif}


def explain_rows(reports: Sequence[FileReport], selection) -> list[dict]:
    """``--explain``: every candidate with its decision, as plain records (text and JSON print them)."""
    rows = []
    for report in reports:
        for c in report.candidates:
            code = c.decision.code
            rows.append(
                {
                    "path": report.display,
                    "line": c.line,
                    "column": c.col + 1,
                    "class": c.class_name,
                    "attr": c.attr,
                    "code": code,
                    "reported": code is not None and selection.enabled(code),
                    "evidence": c.decision.evidence,
                    "use_line": c.decision.use_line or None,
                }
            )
    rows.sort(key=lambda r: (r["path"], r["line"], r["column"], r["attr"]))
    return rows


def format_explain(rows: list[dict], as_json: bool) -> str:
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    out = []
    for r in rows:
        if r["code"] is None:
            verdict = "not a finding"
        else:
            verdict = r["code"] + (" reported" if r["reported"] else " not selected")
        out.append(f"{r['path']}:{r['line']}:{r['column']}: {r['class']}.{r['attr']}: {verdict}: {r['evidence']}\n")
    return "".join(out)
