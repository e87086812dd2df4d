"""The layers of docs' map hold: every import in app/ goes downwards, and none goes round.

blueprints -> services -> models; tasks and the CLI -> services. A service never imports
a blueprint, a task or the request (it announces with signals; the tasks side listens),
and a model never imports a service. Imports inside functions count too.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# (importer's prefix, imported prefix, why): a module under the first may not import the second.
FORBIDDEN = [
    ("app.services", "app.blueprints", "a service serves every page and the API alike"),
    ("app.services", "app.tasks", "a service announces with a signal; the tasks side listens"),
    ("app.services", "app.cli", "the CLI calls services, not the other way"),
    ("app.services", "flask.request", "a service takes values, not the request"),
    ("app.services", "flask.session", "a service takes values, not the request's session"),
    ("app.models", "app.services", "a model knows no use case"),
    ("app.models", "app.blueprints", "a model knows no page"),
    ("app.models", "app.tasks", "a model knows no task"),
]


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> set[str]:
    """The dotted names a module imports, anywhere in it (`from a import b` gives a.b)."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_violations(root: Path) -> list[str]:
    """Each import that goes against FORBIDDEN, as "importer imports name (why)"."""
    problems = []
    for module, path in modules(root).items():
        for name in sorted(imported_names(module, path)):
            for importer, imported, why in FORBIDDEN:
                if within(module, importer) and within(name, imported):
                    problems.append(f"{module} imports {name} ({why})")
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Groups of the package's modules that import each other, directly or round a circle."""
    known = modules(root)

    def target(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph = {m: {t for n in imported_names(m, p) if (t := target(n)) and t != m} for m, p in known.items()}
    # Tarjan's strongly connected components: each group of two or more is a circle.
    order, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return cycles


def test_no_service_imports_a_page_a_task_or_the_request_and_no_model_imports_a_service():
    assert layer_violations(APP) == []


def test_no_two_modules_of_the_app_import_each_other_round_a_circle():
    assert import_cycles(APP) == []


# The checks themselves: each must fail on the mistake it is there to catch.


@pytest.fixture
def tree(tmp_path):
    """A small copy of the app's layout to plant mistakes in."""

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / "app" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return tmp_path / "app"

    base = {
        "__init__.py": "",
        "tasks.py": "from app.services.ordering import placing\n",
        "models/__init__.py": "",
        "models/orders.py": "from app.extensions import db\n",
        "extensions.py": "",
        "services/__init__.py": "",
        "services/ordering/__init__.py": "",
        "services/ordering/placing.py": "from app.models.orders import db\n",
        "blueprints/__init__.py": "",
        "blueprints/shop.py": "from app.services.ordering import placing\n",
    }
    return lambda **changes: write(
        base | {name.replace("__", "/") + ".py": text for name, text in changes.items()}
    )


def test_the_layout_as_it_should_be_passes_both_checks(tree):
    root = tree()
    assert layer_violations(root) == []
    assert import_cycles(root) == []


@pytest.mark.parametrize(
    ("module", "text", "caught"),
    [
        (
            "services__ordering__placing",
            "def f():\n    from app.tasks import deliver\n",
            "imports app.tasks.deliver",
        ),
        (
            "services__ordering__placing",
            "from app.blueprints.shop import bp\n",
            "imports app.blueprints.shop.bp",
        ),
        ("services__ordering__placing", "from flask import current_app, request\n", "imports flask.request"),
        (
            "services__ordering__placing",
            "from ..ordering import placing\nimport app.cli\n",
            "imports app.cli",
        ),
        ("models__orders", "from app.services.ordering.placing import place_order\n", "imports app.services"),
    ],
)
def test_an_import_against_the_layers_is_caught(tree, module, text, caught):
    problems = layer_violations(tree(**{module: text}))
    assert len(problems) == 1 and caught in problems[0], problems


def test_a_service_and_a_task_that_import_each_other_are_caught_as_a_circle(tree):
    root = tree(services__ordering__placing="def f():\n    from app import tasks\n")
    assert import_cycles(root) == [["app.services.ordering.placing", "app.tasks"]]
