"""Progress of the long steps outside training: DigitMosaic builds (one line
per variant with the ETA), the CIFAR-LT builder and the annotation cache
(steps and times in the log)."""
import importlib.util
import json
import logging
import os
import os.path as osp
import sys

import pytest
from conftest import ROOT
from mmengine.logging import MMLogger

from mlc.datasets.annotation_cache import cached_parse
from mlc.datasets.cifar_lt_pll import make_cifar_lt_pll
from mlc.utils.progress import format_duration, progress_line

sys.path.insert(0, osp.join(ROOT, 'tests', 'datasets'))  # their fixtures
from test_annotation_cache import parsed  # noqa: E402
from test_cifar_lt_pll_fidelity import write_fake_cifar100  # noqa: E402

spec = importlib.util.spec_from_file_location(
    'make_digitmosaic', osp.join(ROOT, 'tools', 'dataset_converters',
                                 'make_digitmosaic.py'))
make_digitmosaic = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_digitmosaic)


@pytest.fixture
def log_lines():
    """Messages of the current MMLogger while the test runs."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_progress_line_and_duration():
    assert progress_line(1, 3, [30.0], 'variants') == (
        '1/3 variants done, 2 left, 30s per variant, ETA 1m00s')
    assert progress_line(3, 3, [30.0], 'variants') == (
        '3/3 variants done, 0 left')
    assert format_duration(59.6) == '1m00s'


def test_make_digitmosaic_prints_a_line_per_variant(tmp_path, monkeypatch,
                                                    capsys):
    built = []

    def fake_build(root, variant, seed=0, force=False, geometry=None,
                   img_size=None):
        folder = make_digitmosaic.variant_folder(root, variant, geometry,
                                                 img_size)
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, 'meta.json'), 'w') as f:
            json.dump(dict(splits={}), f)
        built.append(variant)
        return folder

    monkeypatch.setattr(make_digitmosaic, 'build_digitmosaic', fake_build)
    os.makedirs(tmp_path / 'pl')  # an existing build: checked, not timed
    make_digitmosaic.main(['--root', str(tmp_path), '--variant', 'full',
                           'pl', 'plt'])
    out = capsys.readouterr().out.splitlines()
    assert built == ['full', 'pl', 'plt']
    assert out[0] == '[1/3] full: building ...'
    assert out[1].startswith(f'[1/3] full: {tmp_path}/full (0s); '
                             '1/3 variants done, 2 left, 0s per variant')
    assert out[2] == '[2/3] pl: checking the existing build ...'
    assert out[5].endswith('3/3 variants done, 0 left')


def test_cifar_lt_builder_logs_its_steps(tmp_path, log_lines):
    write_fake_cifar100(str(tmp_path))
    make_cifar_lt_pll(str(tmp_path), str(tmp_path / 'out'), cifar='cifar100',
                      imb_ratio=2, partial_rate=0.05)
    steps = [m for m in log_lines if m.startswith('CIFAR-LT PLL')]
    assert [s.split(':')[1].strip()[:8] for s in steps[:3]] == [
        'building', 'step 2/3', 'step 3/3']
    assert ' s: ' in steps[3] and 'written to' in steps[3]


def test_annotation_cache_logs_the_parse(tmp_path, log_lines):
    src = tmp_path / 'a.json'
    src.write_text('x')
    cached_parse(str(src), parsed, 'p', {}, str(tmp_path / 'c'))
    assert log_lines[0] == f'{src}: parsing the labels (not cached yet) ...'
    assert log_lines[1].startswith(f'{src}: parsed in ')
    assert 'labels cached in' in log_lines[1]
