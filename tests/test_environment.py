"""environment.yml (conda) and pyproject.toml (pip) declare the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from pmo_opt.paths import ROOT

# conda-forge splits dask[distributed] into two packages
CONDA_NAMES = {"dask[distributed]": ["dask", "distributed"]}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower(), m.group(2).replace(" ", "")


def pyproject_deps() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    out = {}
    for spec in specs:
        name, rng = _split(spec)
        for conda_name in CONDA_NAMES.get(name, [name]):
            out[conda_name] = rng
    return out


def conda_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for item in env["dependencies"]:
        specs = item["pip"] if isinstance(item, dict) else [item]
        for spec in specs:
            name, rng = _split(
                spec.replace("=", "==", 1) if re.match(r"^[\w-]+=[^=]", spec) else spec
            )
            out[name] = rng
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_same_packages_and_ranges():
    assert conda_deps() == pyproject_deps()


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.11"
