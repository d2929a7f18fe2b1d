"""The layering in `.importlinter` holds, and breaking it fails `make lint`.

lint-imports reads the source statically, so the deliberate violations are made in a copy of
the app's source, never in the tree under test.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / ".importlinter"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory):
    """A copy of the packages lint-imports reads, to break on purpose."""
    tree = tmp_path_factory.mktemp("layers")
    for package in ("governance", "config", "devtools"):
        shutil.copytree(
            ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/text.py", "from governance import services", "domain knows nothing"),
        ("selectors/scoping.py", "from governance import services", "Front ends and tasks >"),
        ("api/fields.py", "import governance.web.csv_export", "front ends share only"),
        ("infra/net.py", "from governance.domain import text", "Infrastructure"),
        ("web/charts.py", "import devtools.demo", "never imports the development tools"),
    ],
)
def test_a_deliberate_violation_breaks_the_lint(source_copy, module, line, contract):
    path = source_copy / "governance" / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # deliberate violation\n")
    try:
        result = lint_imports(source_copy)
    finally:
        path.write_text(original)

    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
