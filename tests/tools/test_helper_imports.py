"""The tools import their shared helper modules as modules, one way per
helper: ``import converter_cli as cli``, ``import converter_utils as
utils``, ``from mlc.utils import cli`` and, inside ``log_analysis``, ``from .
import common``; a call reads ``cli.add_output(parser)``, never a bare name
from a long import list."""
import ast
import os.path as osp
from pathlib import Path

import pytest
from conftest import ROOT

#: helper module -> the one statement that imports it
HELPERS = {
    'converter_cli': 'import converter_cli as cli',
    'converter_utils': 'import converter_utils as utils',
    'mlc.utils.cli': 'from mlc.utils import cli',
    '.common': 'from . import common',
}
TOOLS = sorted(str(p.relative_to(ROOT))
               for p in Path(ROOT, 'tools').rglob('*.py'))


def helper_imports(path: str) -> list:
    """``(helper, statement)`` of every import of a helper in ``path``."""
    tree = ast.parse(Path(ROOT, path).read_text(encoding='utf-8'))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = '.' * node.level + (node.module or '')
            full = [f'{module}.{a.name}'.replace('..', '.') for a in
                    node.names]
            helper = module if module in HELPERS else next(
                (f for f in full if f in HELPERS), None)
        elif isinstance(node, ast.Import):
            helper = next((a.name for a in node.names if a.name in HELPERS),
                          None)
        else:
            continue
        if helper:
            found.append((helper, ast.unparse(node)))
    return found


def test_the_tools_use_the_helpers():
    assert any(helper_imports(p) for p in TOOLS)
    assert osp.join('tools', 'dataset_converters',
                    'converter_cli.py') in TOOLS


@pytest.mark.parametrize('path', TOOLS)
def test_helpers_are_imported_as_modules(path):
    wrong = [(helper, stmt) for helper, stmt in helper_imports(path)
             if stmt != HELPERS[helper]]
    assert not wrong, f'{path}: {wrong}'
