"""emusim — simulation and policy analysis for Vietnamese provincial emulation movements.

The data flow (DESIGN §2)::

    plan = load_plan("scenarios/ha_giang_186_2023.yaml")      # Plan
    scheme = plan.scheme("commune")                            # Scheme (adjust → Scheme')
    registry = load_registry("ha_giang_2023")                  # localities
    panel = simulate(registry, seed=1)                         # or read_observations(...)
    st = score(scheme, panel.at("2023-11"), registry)          # score table
    aw = allocate(st, scheme, registry)                        # award table
"""
from .errors import AdjustError, EmusimError, InputError, Problem
from .catalog import Catalog, Indicator, load_catalog
from .model import Criterion, Gate, Plan, Scheme, Tier
from .loader import load_plan, scheme_from_dict
from .lint import Finding, lint
from .registry import RegistryError, ancestors, children_count, load_registry
from .panel import Panel
from .simulate import apply_merger, load_calibration, simulate
from .sim.report import CalibrationReport, calibration_report
from .observations import ImportReport, read_observations
from .template import write_template
from .verify import verify_self_scores
from .engine import score
from .allocate import allocate
from .clusters import assign_clusters, two_level_classes
from .pools import allocate_plan
from .readings import reading_effects
from .tasks import due_soon, overdue, score_tasks
from .forecast import brier_score, forecast, reliability_table
from .explain import explain
from .diff import AwardDiff, diff

__all__ = [
    "AdjustError", "AwardDiff", "Catalog", "Criterion", "EmusimError", "Finding", "Gate", "Indicator",
    "ImportReport", "InputError", "Panel", "Plan", "Problem", "RegistryError", "Scheme", "Tier",
    "CalibrationReport", "allocate", "allocate_plan", "ancestors", "apply_merger", "assign_clusters", "brier_score",
    "calibration_report", "children_count", "diff", "due_soon", "two_level_classes",
    "explain", "forecast", "lint", "load_calibration", "load_catalog", "load_plan",
    "load_registry", "overdue", "read_observations", "reading_effects", "reliability_table", "scheme_from_dict",
    "score", "score_tasks", "simulate", "verify_self_scores", "write_template",
]
__version__ = "0.1.0"
