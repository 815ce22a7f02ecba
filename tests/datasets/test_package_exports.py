"""``mlc.datasets`` names every dataset, transform and sampler it
registers in ``__all__`` (explicit imports, no star imports)."""
import ast
import os.path as osp

import mlc.datasets as datasets
from mlc.datasets import samplers, transforms
from mlc.registry import DATA_SAMPLERS, DATASETS, TRANSFORMS


def test_all_is_complete_and_resolvable():
    exported = set(datasets.__all__)
    assert len(exported) == len(datasets.__all__), 'duplicate in __all__'
    assert all(hasattr(datasets, name) for name in exported)
    for registry in (DATASETS, TRANSFORMS, DATA_SAMPLERS):
        ours = {name for name, cls in registry.module_dict.items()
                if cls.__module__.startswith('mlc.datasets.')}
        assert ours <= exported, sorted(ours - exported)
    assert set(transforms.__all__) <= exported
    assert set(samplers.__all__) <= exported


def test_no_star_imports():
    with open(osp.join(osp.dirname(datasets.__file__), '__init__.py')) as f:
        tree = ast.parse(f.read())
    stars = [node.module for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom)
             and any(alias.name == '*' for alias in node.names)]
    assert stars == []
