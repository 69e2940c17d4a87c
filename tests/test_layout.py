"""Repository rules: the numpy core stays free of plotting and widgets, environments agree."""
import ast
import json
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
CORE = REPOSITORY / "backprop_viz"
FORBIDDEN_IN_CORE = ("matplotlib", "ipywidgets", "ipympl", "IPython")


def imported_modules(path):
    """Return the top-level names of every module a Python file imports."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]


def conda_packages(path):
    """Return the non-pip dependency lines of a conda environment file, without comments."""
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    start = lines.index("dependencies:") + 1
    end = lines.index("- pip:") if "- pip:" in lines else len(lines)
    return {line[2:].strip() for line in lines[start:end] if line.startswith("- ")}


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda path: path.name)
def test_core_module_imports_no_plotting(path):
    forbidden = set(imported_modules(path)) & set(FORBIDDEN_IN_CORE)
    assert not forbidden, f"{path.name} imports {sorted(forbidden)}; keep them in views/ or apps/"


def test_views_import_no_widgets():
    for path in (CORE / "views").glob("*.py"):
        assert "ipywidgets" not in set(imported_modules(path)), path.name


def test_binder_environment_matches_root():
    assert conda_packages(REPOSITORY / "binder" / "environment.yml") == conda_packages(REPOSITORY / "environment.yml")


def test_binder_postbuild_installs_package():
    script = (REPOSITORY / "binder" / "postBuild").read_text()
    assert "set -e" in script
    assert "pip install" in script


def test_environment_lists_every_runtime_dependency():
    import tomllib

    declared = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["dependencies"]
    assert set(declared) <= conda_packages(REPOSITORY / "environment.yml")


def test_server_configs_share_serving_settings():
    standalone = json.loads((REPOSITORY / "voila.json").read_text())
    extension = json.loads((REPOSITORY / "jupyter_config.json").read_text())

    for section in ("VoilaConfiguration", "MappingKernelManager", "VoilaExecutor"):
        shared = {key: value for key, value in standalone[section].items() if key in extension[section]}
        assert shared == extension[section], section
    # Under a class's load a kernel's widget output can arrive long after nbclient's 4 s default,
    # and a page whose output timed out shows no lesson.
    assert standalone["VoilaExecutor"]["iopub_timeout"] >= 30
