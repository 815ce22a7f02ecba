"""tools/analysis_tools/run_seeds.py: the table's numbers."""
import importlib.util
import os.path as osp

import numpy as np

from conftest import ROOT

spec = importlib.util.spec_from_file_location(
    'run_seeds', osp.join(ROOT, 'tools', 'analysis_tools', 'run_seeds.py'))
run_seeds = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_seeds)


def test_table_mean_std_and_per_seed():
    runs = [{'multi-label/mAP': 70.0, 'multi-label/CF1': 10.0},
            {'multi-label/mAP': 80.0, 'multi-label/CF1': 30.0},
            {'multi-label/mAP': 75.5}]
    text = run_seeds.table({'bce': {'last': runs}}, ['mAP', 'CF1'],
                           [0, 1, 2])
    row = [r for r in text.splitlines() if r.startswith('| bce')][0]
    cells = [c.strip() for c in row.strip('|').split('|')]
    values = [70.0, 80.0, 75.5]
    assert cells[1] == 'last (n=3)'
    assert cells[2] == f'{np.mean(values):.2f} ± {np.std(values):.2f}'
    # a missing value is left out of the mean, not counted as 0
    assert cells[3] == '20.00 ± 10.00'
    assert cells[4] == '70.00 / 80.00 / 75.50'


def test_pick_matches_any_prefix_but_not_substrings():
    metrics = {'multi-label/mAP_few': 1.0, 'test_monitor/mAP': 2.0}
    assert run_seeds.pick(metrics, 'mAP') == 2.0
    assert run_seeds.pick(metrics, 'mAP_few') == 1.0
    assert run_seeds.pick(metrics, 'AP') is None
