"""tools/analysis_tools/analyze_logs.py on a tiny COMIC run on
DigitMosaic-PLT: curves, per-class AP and corrections read back the logged
values; synthetic logs for the co-learning and SPLC scalars."""
import importlib.util
import json
import os.path as osp
import re
import uuid

import numpy as np
import pytest
from _helpers import comic_model_cfg
from conftest import ROOT
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from mlc.utils.setup_env import register_all_modules

spec = importlib.util.spec_from_file_location(
    'analyze_logs', osp.join(ROOT, 'tools', 'analysis_tools',
                             'analyze_logs.py'))
analyze_logs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(analyze_logs)

DATA_ROOT = osp.join(ROOT, 'data', 'digitmosaic')  # built on demand
TRAIN_ANN = osp.join(DATA_ROOT, 'plt', 'train.json')
#: clean positives per class of the DigitMosaic-PLT training set
LT_COUNTS = [1200, 776, 503, 325, 210, 136, 88, 57, 37, 24]


def _loader(split: str, num: int) -> dict:
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='PackInputs', algorithm_keys=('gt_clean', ))]
    return dict(batch_size=16, num_workers=0, persistent_workers=False,
                sampler=dict(type='DefaultSampler', shuffle=split == 'train'),
                dataset=dict(type='DigitMosaic', data_root=DATA_ROOT,
                             variant='plt', split=split, indices=num,
                             pipeline=pipeline))


def tiny_comic(work_dir: str) -> dict:
    """COMIC (8-wide ResNet-18) on 32 DigitMosaic-PLT images, 2 epochs."""
    return dict(
        default_scope='mlc', work_dir=work_dir,
        # mmengine keys its logger and visualizer by experiment name (a
        # timestamp): a runner made in the same second elsewhere in this
        # process would take over this run's visualizer
        experiment_name=f'comic_{uuid.uuid4()}',
        model=comic_model_cfg(10),
        optim_wrapper=dict(optimizer=dict(type='Adam', lr=1e-3)),
        custom_hooks=[dict(type='ComicCorrectionHook')],
        train_dataloader=_loader('train', 32),
        val_dataloader=_loader('val', 16),
        val_evaluator=dict(type='MLCAveragePrecision'), val_cfg=dict(),
        test_dataloader=_loader('test', 16),
        test_evaluator=dict(type='MLCAveragePrecision'), test_cfg=dict(),
        train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           interval=1),
                           logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0), log_level='INFO')


@pytest.fixture(scope='module')
def comic_run(tmp_path_factory) -> str:
    work_dir = str(tmp_path_factory.mktemp('comic'))
    register_all_modules(init_default_scope=False)
    runner = Runner.from_cfg(Config(tiny_comic(work_dir)))
    runner.train()
    runner.test()
    return work_dir


def _scalars(work_dir: str) -> list:
    (folder, ) = analyze_logs.run_dirs(work_dir)
    with open(osp.join(folder, 'vis_data', 'scalars.json')) as f:
        return [json.loads(line) for line in f]


def _png(path) -> np.ndarray:
    assert osp.getsize(path) < 200_000
    return np.asarray(Image.open(path).convert('RGB'))


def test_plot_curve_reads_the_logged_values(comic_run, tmp_path):
    records = _scalars(comic_run)
    curves = analyze_logs.load_curves(comic_run)
    val = [r for r in records if 'multi-label/mAP' in r]
    x, y = curves['multi-label/mAP']
    assert x.tolist() == [1.0, 2.0]  # validated after epochs 1 and 2
    assert y.tolist() == [r['multi-label/mAP'] for r in val]
    train = [r for r in records if 'iter' in r]
    x, y = curves['loss']
    # 32 images / 16 per batch = 2 iterations per epoch
    assert x.tolist() == pytest.approx([0.5, 1.0, 1.5, 2.0])
    assert y.tolist() == [r['loss'] for r in train]
    by_iter = analyze_logs.load_curves(comic_run, 'iter')
    assert by_iter['multi-label/mAP'][0].tolist() == [2.0, 4.0]
    assert by_iter['loss'][0].tolist() == [1, 2, 3, 4]
    one, two = str(tmp_path / 'one.png'), str(tmp_path / 'two.png')
    analyze_logs.main(['plot_curve', comic_run, '--keys', 'loss', '--out',
                       one])
    analyze_logs.main(['plot_curve', comic_run, comic_run, '--legend', 'a',
                       'b', '--keys', 'loss', 'mAP', '--out', two])
    # one panel per key, stacked
    assert _png(two).shape[0] > 1.7 * _png(one).shape[0]


def test_plot_curve_unknown_key_is_one_line(comic_run, tmp_path, capsys):
    with pytest.raises(SystemExit) as err:
        analyze_logs.main(['plot_curve', comic_run, '--keys', 'nope',
                           '--out', str(tmp_path / 'x.png')])
    assert "no run logged 'nope'" in str(err.value)
    assert '\n' not in str(err.value)


def test_per_class_ap_two_runs(comic_run, tmp_path):
    counts, kind = analyze_logs.train_class_freq(TRAIN_ANN)
    assert counts.tolist() == LT_COUNTS and kind == 'clean'
    table = analyze_logs.find_per_class_ap(comic_run)
    assert table.endswith('multi-label_per_class_ap.json')
    rows = analyze_logs.read_per_class_ap(table)
    assert [r['group'] for r in rows] == ['many'] * 3 + ['medium'] * 4 + [
        'few'] * 3
    other = tmp_path / 'other.json'
    with open(table) as f:
        data = json.load(f)
    for row in data['classes']:
        row['ap'] = 100.0 - row['ap']
    other.write_text(json.dumps(data))
    out = str(tmp_path / 'ap.png')
    analyze_logs.main(['per_class_ap', comic_run, str(other), '--train-ann',
                       TRAIN_ANN, '--legend', 'COMIC', 'mirror', '--out',
                       out])
    img = _png(out)
    orange = np.all(np.abs(img.astype(int) - [0xD5, 0x5E, 0x00]) < 30, -1)
    blue = np.all(np.abs(img.astype(int) - [0x00, 0x72, 0xB2]) < 30, -1)
    assert orange.sum() > 50 and blue.sum() > 50  # both runs drawn


def test_corrections_match_the_log_and_scalars(comic_run, tmp_path):
    series = analyze_logs.load_corrections(comic_run)
    (folder, ) = analyze_logs.run_dirs(comic_run)
    log = open(osp.join(folder, osp.basename(folder) + '.log')).read()
    for branch in 'htb':
        for epoch in (1, 2):
            line = re.search(rf'RLC branch {branch} epoch {epoch}: .*total '
                             r'([\d.]+) / ([\d.]+)', log)
            x, prec = series[f'rlc_{branch}_total_precision']
            _, rec = series[f'rlc_{branch}_total_recall']
            i = x.tolist().index(epoch)
            assert prec[i] == float(line.group(1))
            assert rec[i] == float(line.group(2))
    # scalars.json holds every epoch's value, the last one too, at its
    # epoch's step
    rlc = {r['step']: r for r in _scalars(comic_run)
           if 'rlc_precision_h_many' in r}
    assert sorted(rlc) == [1, 2] and 'epoch' not in rlc[2]
    for epoch in (1, 2):
        x, prec = series['rlc_h_many_precision']
        assert prec[x.tolist().index(epoch)] == pytest.approx(
            rlc[epoch]['rlc_precision_h_many'], abs=5e-4)
    out = str(tmp_path / 'corr.pdf')
    analyze_logs.main(['corrections', comic_run, '--groups', 'total', 'few',
                       '--out', out])
    assert open(out, 'rb').read(4) == b'%PDF'


def test_corrections_from_colearning_and_splc_scalars(tmp_path):
    vis = tmp_path / 'run' / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    records = [
        dict(splc_pseudo_precision=0.5, splc_pseudo_recall=0.2, epoch=1,
             iter=1, step=1),
        dict(splc_pseudo_precision=0.7, splc_pseudo_recall=0.4, epoch=1,
             iter=2, step=2),
        {'correction/a_few_add_precision': 0.25,
         'correction/a_few_added': 8.0, 'step': 1},
        dict(splc_pseudo_precision=0.9, splc_pseudo_recall=0.6, epoch=2,
             iter=3, step=3, rlc_precision_h_total=0.4,
             rlc_recall_h_total=0.1),
        dict(epoch=3, iter=4, step=4, rlc_precision_h_total=0.5,
             rlc_recall_h_total=0.2),
        # the current layout: written after epoch 3 with the epoch as step
        dict(step=3, rlc_precision_h_total=0.6, rlc_recall_h_total=0.3),
    ]
    (vis / 'scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in records) + '\n')
    series = analyze_logs.load_corrections(str(tmp_path / 'run'))
    assert set(series) == {'splc_pseudo_precision', 'splc_pseudo_recall',
                           'a_few_add_precision', 'rlc_h_total_precision',
                           'rlc_h_total_recall'}
    # without RLC lines in the text log (a WARNING-level run): the scalars
    # set after epoch e, logged with the iterations of epoch e + 1
    x, y = series['rlc_h_total_precision']
    assert x.tolist() == [1, 2, 3] and y.tolist() == [0.4, 0.5, 0.6]
    assert series['rlc_h_total_recall'][1].tolist() == [0.1, 0.2, 0.3]
    x, y = series['splc_pseudo_precision']
    assert x.tolist() == [1, 2] and y.tolist() == pytest.approx([0.6, 0.9])
    assert series['splc_pseudo_recall'][1].tolist() == pytest.approx(
        [0.3, 0.6])
    assert series['a_few_add_precision'][1].tolist() == [0.25]
    (vis / 'scalars.json').write_text('{"step": 1}\nnot json\n')
    with pytest.raises(ValueError, match=r'scalars.json:2: not JSON'):
        analyze_logs.load_corrections(str(tmp_path / 'run'))


def test_epoch_axis_when_the_last_iteration_is_not_logged(tmp_path):
    """17 iterations per epoch logged every 5: epoch 1 logs 5, 10, 15 and
    epoch 2 logs 22, 27, 32 (inner iterations 5, 10, 15)."""
    vis = tmp_path / 'run' / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    iters = [(1, 5), (1, 10), (1, 15), (2, 22), (2, 27), (2, 32)]
    records = [dict(loss=1.0, epoch=e, iter=i, step=i) for e, i in iters]
    records.insert(3, {'multi-label/mAP': 50.0, 'step': 1})
    (vis / 'scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in records) + '\n')
    curves = analyze_logs.load_curves(str(tmp_path / 'run'))
    assert curves['loss'][0].tolist() == pytest.approx(
        [i / 17 for _, i in iters])
    assert curves['multi-label/mAP'][0].tolist() == [1.0]
    by_iter = analyze_logs.load_curves(str(tmp_path / 'run'), 'iter')
    assert by_iter['multi-label/mAP'][0].tolist() == [17.0]
