"""Imports between the apps point one way: digest <- articles <- accounts (issue 15.2).

`digest` is the ground and imports neither app (nor does `background`, the task
queue, which the apps may import too); `articles` imports `digest` only (the
user model through `settings.AUTH_USER_MODEL` / `get_user_model()`); `accounts` may
import both. A first-party import inside a function hides a loop, so there is none in
the apps. And `articles/publishing.py` is the only module that assigns an article's
`status` or `published_at` (issue 15.1). Read from the source with `ast`: nothing
is imported to check it.

Scripts that set Django up before importing the apps (manage.py, gunicorn.conf.py,
bench/) and the tests are not apps and are not checked.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app and what it may import besides itself.
ALLOWED = {
    "digest": set(),
    # The task queue (README: Background work): ground too, beside digest.
    "background": set(),
    "articles": {"digest", "background"},
    "accounts": {"articles", "digest", "background"},
}
FIRST_PARTY = set(ALLOWED) | {"bench", "tests"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def app_modules():
    for app in ALLOWED:
        yield from sorted((ROOT / app).rglob("*.py"))


def imported(node: ast.AST, module_path: Path) -> list[str]:
    """The top-level package names `node` imports (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # from . import x: inside the module's own package
            return [module_path.relative_to(ROOT).parts[0]]
        return [(node.module or "").split(".")[0]]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value.split(".")[0]]
    return []


def problems(path: Path) -> list[str]:
    """Each wrong-way import and each first-party import in a function of `path`."""
    app = path.relative_to(ROOT).parts[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for package in imported(node, path):
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if package in FIRST_PARTY and package != app:
                if package not in ALLOWED[app]:
                    found.append(f"{where}: {app} imports {package}")
            if (
                package in FIRST_PARTY
                and in_function
                and isinstance(node, ast.Import | ast.ImportFrom)
            ):
                found.append(f"{where}: first-party import inside a function")
        inside = in_function or isinstance(node, FUNCTIONS)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


@pytest.mark.parametrize(
    "path", list(app_modules()), ids=lambda p: str(p.relative_to(ROOT))
)
def test_imports_point_one_way(path):
    found = problems(path)
    assert not found, "\n".join(found)


def test_the_check_sees_each_kind_of_problem(tmp_path, monkeypatch):
    """A wrong-way import, a hidden one and a relative one are all reported."""
    fake = tmp_path / "digest"
    fake.mkdir()
    module = fake / "bad.py"
    module.write_text(
        "from articles.models import Article\n"
        "import accounts\n"
        "from . import fine\n"
        "from django.db import models\n"
        "def f():\n"
        "    from digest import models\n"
        "    importlib.import_module('accounts.services')\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert problems(module) == [
        "digest/bad.py:1: digest imports articles",
        "digest/bad.py:2: digest imports accounts",
        "digest/bad.py:6: first-party import inside a function",
        "digest/bad.py:7: digest imports accounts",
    ]


STATE_FIELDS = {"status", "published_at"}
PUBLISHING = ROOT / "articles" / "publishing.py"


def state_writes(path: Path) -> list[str]:
    """Each `x.status = …` / `x.published_at = …` and `.update(status=…)` in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: assigns .{name.attr}"
                for name in names
                if isinstance(name, ast.Attribute) and name.attr in STATE_FIELDS
            ]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "bulk_update"}
            and {k.arg for k in node.keywords} & STATE_FIELDS
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: updates the state")
    return found


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in app_modules()
        if p != PUBLISHING
        and "migrations" not in p.parts
        # background's `status` is a task row's; it never touches an article.
        and p.relative_to(ROOT).parts[0] != "background"
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_only_publishing_assigns_an_articles_state(path):
    """articles.publishing.change_state is the one path (issue 15.1)."""
    found = state_writes(path)
    assert not found, "\n".join(found)


def test_the_state_check_sees_assignments(tmp_path, monkeypatch):
    module = tmp_path / "articles" / "views.py"
    module.parent.mkdir()
    module.write_text(
        "article.status = 'published'\n"
        "a.status, a.published_at = s, t\n"
        "Article.objects.filter(pk=1).update(published_at=now)\n"
        "status = 'fine'\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert state_writes(module) == [
        "articles/views.py:1: assigns .status",
        "articles/views.py:2: assigns .status",
        "articles/views.py:2: assigns .published_at",
        "articles/views.py:3: updates the state",
    ]
