"""The detection engine: Module-class detection, tensor-expression inference and the rules.

It knows nothing of flake8; ``analyze`` is its entry point.
"""

from .analyzer import Finding, Fix, analyze, may_contain_findings
from .rules import DEFAULT_OFF_BAND, PREFIX, RULES, RULES_BY_CODE

__all__ = ["Finding", "Fix", "analyze", "may_contain_findings", "RULES", "RULES_BY_CODE", "PREFIX", "DEFAULT_OFF_BAND"]
