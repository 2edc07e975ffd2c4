"""The detection engine: Module-class detection, tensor-expression inference and the rules.

It knows nothing of flake8; ``analyze`` is its entry point. Names are loaded on first use, so that
importing the light ``prefilter`` module (all the flake8 plugin needs up front) stays cheap.
"""

from importlib import import_module

_EXPORTS = {
    "Finding": ".analyzer",
    "Fix": ".analyzer",
    "Edit": ".rule",
    "analyze": ".analyzer",
    "may_contain_findings": ".prefilter",
    "RULES": ".rules",
    "RULES_BY_CODE": ".rules",
    "PREFIX": ".prefilter",
    "DEFAULT_OFF_BAND": ".prefilter",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
