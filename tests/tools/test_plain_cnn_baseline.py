"""tools/analysis_tools/plain_cnn_baseline.py: one JSON line with the test
mAP of the best-on-val epoch, seeded, on a tiny DigitMosaic build."""
import json
import os.path as osp
import sys

import numpy as np
import pytest
from conftest import ROOT

from mlc.datasets.digitmosaic import VARIANTS, build_digitmosaic
from mlc.datasets.digitmosaic.generator import VariantSpec

sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))

import plain_cnn_baseline  # noqa: E402


def run_cli(monkeypatch, capsys, *argv):
    monkeypatch.setattr(sys, 'argv', ['plain_cnn_baseline.py', *argv])
    plain_cnn_baseline.main()
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_plain_cnn_runs_on_a_tiny_set(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(VARIANTS, 'tiny', VariantSpec('mosaic', 1, 12, 4, 4))
    folder = build_digitmosaic(str(tmp_path), 'tiny', geometry='shifted')
    capsys.readouterr()  # the build's log line
    first = run_cli(monkeypatch, capsys, folder, '--epochs', '2', '--seed',
                    '3')
    assert first['best_epoch'] in (1, 2) and first['epochs'] == 2
    assert 0 < first['mAP'] <= 100 and 0 < first['val_mAP'] <= 100
    # seeded: the same numbers again
    assert run_cli(monkeypatch, capsys, folder, '--epochs', '2', '--seed',
                   '3') == first
    with pytest.raises(SystemExit) as exc:
        run_cli(monkeypatch, capsys, str(tmp_path / 'nowhere'))
    assert exc.value.code == 1
    assert 'no such annotation file' in capsys.readouterr().err


def test_mean_ap_skips_classes_without_positives():
    targets = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.4], [0.1, 0.8, 0.6]])
    # class 0: positives ranked 1st and 3rd -> (1 + 2/3) / 2; class 1: the
    # positive ranked 2nd -> 1/2; class 2 has no positive (left out)
    expected = 100 * ((1 + 2 / 3) / 2 + 1 / 2) / 2
    assert plain_cnn_baseline.mean_ap(scores, targets) == pytest.approx(
        expected)
