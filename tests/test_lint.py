"""The tree passes `make lint` (ruff with the rules of ruff.toml)."""
import os.path as osp
import shutil
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def ruff_binary():
    """The ruff of the running environment (.venv/bin/ruff), else PATH's."""
    local = osp.join(osp.dirname(sys.executable), 'ruff')
    return local if osp.isfile(local) else shutil.which('ruff')


@pytest.mark.skipif(ruff_binary() is None, reason='ruff is not installed '
                    '(requirements/lint.txt)')
def test_tree_is_lint_clean():
    result = subprocess.run(
        [ruff_binary(), 'check', '--no-cache', '--output-format', 'concise',
         ROOT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (
        'ruff found problems (`make lint`; `.venv/bin/ruff check --fix '
        'FILE` fixes the import order):\n' + result.stdout[-3000:]
        + result.stderr[-1000:])
