"""Set-up stays consistent: environment.yml mirrors pyproject.toml; the catalog is in step."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pyyaml": "pyyaml", "salib": "salib", "dask[distributed]": "dask"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~ ;]", req, maxsplit=1)[0].strip().lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(d) for d in dep.get("pip", []) if not d.startswith("-")}
        else:
            have.add(_name(dep))
    wanted = {CONDA_NAMES.get(w, w) for w in wanted}
    assert wanted - have == set(), f"in pyproject.toml but not environment.yml: {sorted(wanted - have)}"
    assert have - wanted - {"python", "pip", "distributed"} == set(), f"in environment.yml only: {sorted(have - wanted)}"


def test_catalog_used_by_is_in_step():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "catalog_usage.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_scenario_indicator_is_in_the_catalog(catalog):
    import emusim as es

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        plan = es.load_plan(path, check_indicators=False)
        for s in plan.schemes.values():
            for ind in s.indicators:
                assert ind in catalog, (plan.id, s.level, ind)
                assert s.unit_level in catalog[ind].levels, (plan.id, s.level, ind)
