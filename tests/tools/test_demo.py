"""tools/demo.py: the in-process train + test gives the numbers of
tools/train.py followed by tools/test.py."""
import glob
import importlib.util
import json
import os.path as osp

import pytest
from conftest import ROOT, make_tiny_dataset, tiny_config
from mmengine.config import Config


def _load(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _load('demo', osp.join(ROOT, 'tools', 'demo.py'))
test_tool = _load('test_tool', osp.join(ROOT, 'tools', 'test.py'))


def test_train_and_test_matches_test_tool(tiny_data, tmp_path):
    make_tiny_dataset(tiny_data, num=16, split='val', seed=2)
    cfg = tiny_config(tiny_data, str(tmp_path / 'unused'), max_epochs=2)
    cfg['val_dataloader']['dataset']['ann_file'] = 'val.json'
    cfg['default_hooks']['checkpoint'].update(save_best='test_monitor/mAP',
                                              rule='greater')
    config = str(tmp_path / 'tiny.py')
    Config(cfg).dump(config)
    work_dir = str(tmp_path / 'run')
    lines = []
    results = demo.train_and_test(
        config, work_dir, lambda phase, msg: lines.append((phase, msg)))
    assert set(results) == {'last', 'best'}
    phases = [p for p, _ in lines]
    assert phases.count('train') == 2 and phases.count('test') == 2
    checkpoints = {'last': osp.join(work_dir, 'epoch_2.pth'),
                   'best': sorted(glob.glob(
                       osp.join(work_dir, 'best_*.pth')))[-1]}
    for tag, checkpoint in checkpoints.items():
        out = str(tmp_path / f'{tag}.json')
        test_tool.main([config, checkpoint, '--work-dir',
                        str(tmp_path / f'test_{tag}'), '--metrics-out', out])
        with open(out) as f:
            expected = json.load(f)
        with open(osp.join(work_dir, f'test_{tag}.json')) as f:
            written = json.load(f)
        assert written == pytest.approx(expected, abs=1e-6), tag
        assert results[tag]['multi-label/mAP'] == pytest.approx(
            expected['multi-label/mAP'], abs=1e-6)
