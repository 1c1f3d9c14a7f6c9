"""emusim — simulation and policy analysis for Vietnamese provincial emulation movements.

>>> import emusim as es
>>> plan = es.load_plan("ha_giang_186_2023")          # doctest: +SKIP
>>> scheme = plan.scheme("commune")                     # doctest: +SKIP
"""
from .catalog import Catalog, Indicator, load_catalog
from .errors import AdjustError, EmusimError, InputError, Problem
from .loader import load_plan, scheme_from_dict
from .model import Criterion, Gate, Plan, Scheme, Tier
from .lint import Finding, lint

__all__ = [
    "AdjustError", "Catalog", "Criterion", "EmusimError", "Finding", "Gate", "Indicator",
    "InputError", "Plan", "Problem", "Scheme", "Tier", "lint", "load_catalog", "load_plan",
    "scheme_from_dict",
]
__version__ = "0.1.0"


def _optional(module: str, names: list[str]) -> None:
    """Export names of modules still being built without breaking the import."""
    import importlib

    try:
        mod = importlib.import_module(f".{module}", __name__)
    except ImportError:  # pragma: no cover - module not present yet
        return
    for name in names:
        if hasattr(mod, name):
            globals()[name] = getattr(mod, name)
            __all__.append(name)


_optional("engine", ["score"])
_optional("allocate", ["allocate"])
_optional("registry", ["load_registry"])
_optional("panel", ["Panel"])
_optional("simulate", ["simulate"])
_optional("forecast", ["forecast"])
_optional("observations", ["read_observations"])
_optional("tasks", ["score_tasks"])
