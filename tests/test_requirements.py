"""requirements.txt runs the shop; requirements-dev.txt adds the test, lint and benchmark tools."""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^[a-z0-9-]+==[A-Za-z0-9.]+$")


def pinned(name: str) -> list[str]:
    return [line for line in (ROOT / name).read_text().splitlines() if line and not line.startswith("-r ")]


def names(lines: list[str]) -> set[str]:
    return {line.split("==")[0] for line in lines}


def test_each_file_lists_one_pinned_package_a_line_sorted_for_easy_merges():
    for name in ("requirements.txt", "requirements-dev.txt"):
        lines = pinned(name)
        assert [line for line in lines if not PIN.match(line)] == [], name
        assert lines == sorted(lines), f"{name} is not sorted (LC_ALL=C sort)"
        assert len(names(lines)) == len(lines), f"{name} names a package twice"


def test_the_dev_file_includes_the_runtime_one_and_repeats_none_of_it():
    first_line = (ROOT / "requirements-dev.txt").read_text().splitlines()[0]

    assert first_line == "-r requirements.txt"
    assert names(pinned("requirements.txt")) & names(pinned("requirements-dev.txt")) == set()


def test_the_runtime_file_holds_every_package_the_shop_imports_and_what_they_need():
    runtime = names(pinned("requirements.txt"))
    needed: set[str] = set()
    for distribution in _imported_distributions():
        needed |= _with_dependencies(distribution)

    assert needed - runtime == set()


def test_no_test_or_lint_tool_is_in_the_runtime_file():
    runtime = names(pinned("requirements.txt"))

    assert runtime & {"pytest", "ruff", "hypothesis", "playwright", "schemathesis", "factory-boy"} == set()


def _imported_distributions() -> set[str]:
    """The installed distributions behind every top-level import of app/, config.py and wsgi.py."""
    providers = importlib.metadata.packages_distributions()
    modules: set[str] = set()
    for path in [*ROOT.joinpath("app").rglob("*.py"), ROOT / "config.py", ROOT / "wsgi.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"app", "config"}
    return {canonicalize_name(dist) for module in third_party for dist in providers[module]}


def _with_dependencies(name: str, seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if name in seen:
        return seen
    seen.add(name)
    for text in importlib.metadata.requires(name) or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            _with_dependencies(canonicalize_name(requirement.name), seen)
    return seen
