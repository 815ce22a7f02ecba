"""tools/analysis_tools/browse_dataset.py on DigitMosaic-PLT and the shared
label grid: the labels drawn are the file's, missing / spurious positives
and candidate sets get their own colours."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from mlc.visualization.label_grid import (
    KIND_COLOURS,
    GridCell,
    LabelLine,
    draw_label_grid,
)

spec = importlib.util.spec_from_file_location(
    'browse_dataset', osp.join(ROOT, 'tools', 'analysis_tools',
                               'browse_dataset.py'))
browse_dataset = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browse_dataset)

CONFIG = osp.join(ROOT, 'configs', 'baselines', 'bce_r18_digitmosaic-plt.py')
CLASSES = [str(c) for c in range(10)]


def _has_colour(path, colour: str, min_pixels: int = 20) -> bool:
    img = np.asarray(Image.open(path).convert('RGB')).astype(int)
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return int(np.all(np.abs(img - rgb) < 40, -1).sum()) >= min_pixels


def test_browse_digitmosaic_train(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the config names data/digitmosaic
    out = browse_dataset.browse(CONFIG, 'train', str(tmp_path), num=12,
                                ncols=6)
    assert out == str(tmp_path / 'bce_r18_digitmosaic-plt_train.png')
    assert osp.getsize(out) < 200_000
    img = Image.open(out)
    assert img.width > img.height  # 2 rows of 6
    # DigitMosaic-PLT drops positives: some of the first 12 miss one
    with open(osp.join(ROOT, 'data', 'digitmosaic', 'plt', 'train.json')) as f:
        entries = json.load(f)['data_list'][:12]
    assert any(set(e['clean_pos']) - set(e['pos']) for e in entries)
    assert _has_colour(out, KIND_COLOURS['missing'])


def test_label_lines_match_the_annotation(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    cfg = browse_dataset.cli.load_config(browse_dataset.argparse.Namespace(
        config=CONFIG, cfg_options=None, work_dir=str(tmp_path),
        local_rank=0))
    dataset = browse_dataset.build_dataset(cfg, 'train')
    with open(osp.join(ROOT, 'data', 'digitmosaic', 'plt', 'train.json')) as f:
        entries = json.load(f)['data_list']
    for idx in range(20):
        lines = browse_dataset.label_lines(dataset.get_data_info(idx),
                                           CLASSES)
        pos, clean = set(entries[idx]['pos']), set(entries[idx]['clean_pos'])
        assert [ln.kind for ln in lines] == ['label', 'missing', 'spurious']
        assert lines[0].names == [str(c) for c in sorted(pos & clean)]
        assert lines[1].names == [str(c) for c in sorted(clean - pos)]
        assert lines[2].names == [str(c) for c in sorted(pos - clean)]


def test_spurious_and_candidates_in_distinct_colours(tmp_path):
    info = dict(gt_score=np.array([1, 1, -1, 0], np.float32),
                gt_clean=np.array([1, 0, 1, 0], np.float32))
    lines = browse_dataset.label_lines(info, ['a', 'b', 'c', 'd'])
    assert [(ln.kind, ln.names) for ln in lines] == [
        ('label', ['a']), ('missing', ['c']), ('spurious', ['b'])]
    pll = browse_dataset.label_lines(
        dict(candidates=np.array([0, 1, 1, 0], np.float32), gt_label=2),
        ['a', 'b', 'c', 'd'])
    assert [(ln.kind, ln.names) for ln in pll] == [
        ('candidates', ['b', 'c']), ('true', ['c'])]
    image = np.zeros((8, 8), np.uint8)
    out = draw_label_grid([GridCell(image, '#0', lines),
                           GridCell(image, '#1', pll)],
                          str(tmp_path / 'grid.png'))
    for kind in ('missing', 'spurious', 'candidates', 'true'):
        assert _has_colour(out, KIND_COLOURS[kind]), kind
    with pytest.raises(ValueError, match='unknown label kinds'):
        draw_label_grid([GridCell(image, '#0', [LabelLine('odd', [])])],
                        str(tmp_path / 'bad.png'))


def test_bad_start_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as err:
        browse_dataset.main([CONFIG, '--split', 'test', '--out',
                             str(tmp_path), '--start', '99999'])
    assert 'the test split has' in str(err.value)


def test_browse_digitmosaic_pll_candidates(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # builds data/digitmosaic/pll on first use
    config = osp.join(ROOT, 'configs', 'pll',
                      'corr_r18_digitmosaic-pll.py')
    out = browse_dataset.browse(config, 'train', str(tmp_path), num=6)
    assert _has_colour(out, KIND_COLOURS['candidates'])
    assert _has_colour(out, KIND_COLOURS['true'])
    cfg = browse_dataset.cli.load_config(browse_dataset.argparse.Namespace(
        config=config, cfg_options=None, work_dir=str(tmp_path),
        local_rank=0))
    dataset = browse_dataset.build_dataset(cfg, 'train')
    with open(osp.join(ROOT, 'data', 'digitmosaic', 'pll',
                       'train.json')) as f:
        entries = json.load(f)['data_list']
    for idx in range(6):
        lines = browse_dataset.label_lines(dataset.get_data_info(idx),
                                           CLASSES)
        assert lines[0].names == [str(c) for c in
                                  sorted(entries[idx]['candidates'])]
        assert lines[1].names == [str(entries[idx]['gt_label'])]


def test_long_label_lists_wrap_instead_of_vanishing():
    from mlc.visualization.label_grid import _line_rows
    rows = _line_rows(LabelLine('candidates', CLASSES), 24)
    assert len(rows) == 2 and all(len(r) <= 24 for r in rows)
    assert ' '.join(rows).replace(' ', '') == 'candidates:' + ','.join(
        CLASSES)
    many = _line_rows(LabelLine('label', [f'class{i}' for i in range(40)]),
                      24)
    assert len(many) == 3 and many[-1].endswith('…')
