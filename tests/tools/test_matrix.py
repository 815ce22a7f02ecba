"""tools/analysis_tools/matrix: resumable driver, tables, configs (the
claims: test_matrix_claims.py).

The driver runs with an injected fake runner that writes metrics (no
training); the numbers are hand-computed.
"""
import glob
import json
import os
import os.path as osp
import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))

from matrix import driver, figures  # noqa: E402
from matrix.cell import Block, Column, Row, cells  # noqa: E402
from matrix.cell_config import converge, select_build  # noqa: E402
from matrix.definition import (  # noqa: E402
    PLL_SETTINGS,
    PRETRAIN,
    blocks,
    pll_variant,
)

MAP = {('BCE', 'missing'): [60.0, 62.0], ('Hill', 'missing'): [65.0, 69.0],
       ('BCE', 'noise'): [50.0, 50.0]}


def small_block() -> Block:
    """BCE and Hill on 'missing' (2 cells) + a column Hill cannot run in."""
    return Block('multilabel', 'hard', 'mAP',
                 (Row('BCE', 'b.py'),
                  Row('Hill', 'h.py', skip={'noise': 'no reason at all'})),
                 (Column('missing', 'pl'), Column('noise', 'noise')),
                 baseline='BCE')


class FakeRunner:
    """Writes the hand-made mAP of (row, column, seed); counts its calls."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, cell, seed, work_dir):
        self.calls.append((cell.row.name, cell.column.name, seed))
        value = MAP[(cell.row.name, cell.column.name)][seed]
        return dict(metrics={'multi-label/mAP': value}, epochs=7,
                    best_epoch=4)


def cell_text(text: str, row: str, column: int) -> str:
    line = next(ln for ln in text.splitlines()
                if ln.startswith(f'| {row} '))
    return [c.strip() for c in line.strip('|').split('|')][column]


def test_driver_resumes_and_tabulates(tmp_path):
    block, root = small_block(), str(tmp_path / 'runs')
    out, figs = str(tmp_path / 'matrix.md'), str(tmp_path / 'figs')
    fake = FakeRunner()
    driver.run_matrix([block], [0], root, runner=fake)
    # the 'noise' column: BCE runs, Hill cannot -> 3 runs, no Hill/noise
    assert sorted(fake.calls) == [('BCE', 'missing', 0), ('BCE', 'noise', 0),
                                  ('Hill', 'missing', 0)]
    text = driver.report([block], [0], root, figs, out)
    # n=1: no std, delta vs BCE = 65 - 60
    assert cell_text(text, 'Hill', 1) == '65.0 (n=1) [+5.0]'
    assert cell_text(text, 'BCE', 1) == '60.0 (n=1)'
    # the cell Hill cannot run in names its reason in a footnote
    state = cell_text(text, 'Hill', 2)
    assert state.startswith('n/a [')
    number = state[len('n/a '):]
    assert f'{number} no reason at all' in text
    assert osp.isfile(osp.join(figs, 'heatmap_multilabel.png'))

    # a rerun of seed 0 reuses every finished cell; seed 1 runs anew
    calls = len(fake.calls)
    driver.run_matrix([block], [0], root, runner=fake)
    assert len(fake.calls) == calls
    driver.run_matrix([block], [0, 1], root, runner=fake,
                      rows=['BCE', 'Hill'], columns=['missing'])
    assert fake.calls[calls:] == [('BCE', 'missing', 1),
                                  ('Hill', 'missing', 1)]
    text = driver.report([block], [0, 1], root, figs, out)
    # mean ± population std; delta of the means: 67 - 61
    assert cell_text(text, 'Hill', 1) == '67.0 ± 2.0 [+6.0]'
    assert cell_text(text, 'BCE', 1) == '61.0 ± 1.0'
    assert '| 7 (4) |' in text  # epochs trained (best epoch)


def test_frozen_row_delta_is_against_its_own_reference(tmp_path):
    """A row naming a baseline gets its delta against that row (BCE on the
    same frozen trunk), not against the block's baseline."""
    maps = {('BCE', 'missing'): [60.0], ('BCE, frozen', 'missing'): [70.0],
            ('COMIC', 'missing'): [72.0], ('Hill', 'missing'): [65.0]}
    block = Block('multilabel', 'hard', 'mAP',
                  (Row('BCE', 'b.py'), Row('BCE, frozen', 'b.py'),
                   Row('COMIC', 'c.py', baseline='BCE, frozen'),
                   Row('Hill', 'h.py')),
                  (Column('missing', 'pl'), ), baseline='BCE')
    root = str(tmp_path / 'runs')

    def runner(cell, seed, work_dir):
        return dict(metrics={'multi-label/mAP':
                             maps[(cell.row.name, cell.column.name)][seed]},
                    epochs=7, best_epoch=4)

    driver.run_matrix([block], [0], root, runner=runner)
    text = driver.report([block], [0], root, str(tmp_path / 'figs'),
                         str(tmp_path / 'matrix.md'))
    assert cell_text(text, 'COMIC', 1) == '72.0 (n=1) [+2.0]'  # 72 - 70
    assert cell_text(text, 'Hill', 1) == '65.0 (n=1) [+5.0]'   # 65 - 60
    assert cell_text(text, 'BCE, frozen', 1) == '70.0 (n=1) [+10.0]'
    grid = figures.delta_grid(block, driver.collect([block], [0], root))
    assert grid[:, 0].tolist() == [pytest.approx(np.nan, nan_ok=True),
                                   10.0, 2.0, 5.0]


def test_failed_run_is_reported_and_retried(tmp_path):
    block, root = small_block(), str(tmp_path / 'runs')

    def failing(cell, seed, work_dir):
        sys.exit('error: tools/train.py failed; see run.log')

    failures = driver.run_matrix([block], [0], root, runner=failing,
                                 columns=['missing'])
    assert set(failures) == {'multilabel/bce/missing',
                             'multilabel/hill/missing'}
    text = driver.report([block], [0], root, str(tmp_path / 'f'),
                         str(tmp_path / 'm.md'), failures)
    assert cell_text(text, 'BCE', 1).startswith('failed [')
    fake = FakeRunner()
    driver.run_matrix([block], [0], root, runner=fake, columns=['missing'])
    assert len(fake.calls) == 2  # nothing was saved for the failed runs


def test_converge_stretches_cosine_and_adds_early_stopping():
    cfg = dict(train_cfg=dict(by_epoch=True, max_epochs=12, val_interval=4),
               param_scheduler=[dict(type='CosineAnnealingLR', T_max=12)],
               custom_hooks=[dict(type='SPLCEpochHook')])
    converge(cfg, 'multi-label/mAP', 30, 3, 0.1)
    assert cfg['train_cfg'] == dict(by_epoch=True, max_epochs=30,
                                    val_interval=1)
    assert cfg['param_scheduler'][0]['T_max'] == 30
    assert cfg['custom_hooks'][-1] == dict(
        type='EarlyStoppingHook', monitor='multi-label/mAP', rule='greater',
        patience=3, min_delta=0.1)
    assert cfg['default_hooks']['checkpoint']['save_best'] == \
        'multi-label/mAP'


def test_converge_never_stops_before_min_epochs():
    """A flat val curve (a slow start) stops exactly at ``min_epochs``, run
    through mmengine's own ``EarlyStoppingHook``."""
    from types import SimpleNamespace

    from mmengine.hooks import EarlyStoppingHook
    cfg = dict(train_cfg=dict(by_epoch=True, max_epochs=12, val_interval=4),
               param_scheduler=[dict(type='CosineAnnealingLR', T_max=12)])
    converge(cfg, 'multi-label/mAP', 12, 3, 0.1, min_epochs=6)
    train_cfg = cfg['train_cfg']
    hook_cfg = dict(cfg['custom_hooks'][-1])
    hook = EarlyStoppingHook(**{k: v for k, v in hook_cfg.items()
                                if k != 'type'})
    runner = SimpleNamespace(train_loop=SimpleNamespace(stop_training=False),
                             logger=SimpleNamespace(info=lambda msg: None))
    stopped_after = None
    for epoch in range(1, train_cfg['max_epochs'] + 1):
        if epoch >= train_cfg.get('val_begin', 1):
            hook.after_val_epoch(runner, {'multi-label/mAP': 29.0})
        if runner.train_loop.stop_training:
            stopped_after = epoch
            break
    assert stopped_after == 6
    with pytest.raises(ValueError, match='exceeds max_epochs'):
        converge(cfg, 'multi-label/mAP', 5, 3, 0.1, min_epochs=6)


def two_stage(stage1=1, max_epochs=4):
    return dict(train_cfg=dict(type='TwoStageTrainLoop',
                               stage1_epochs=stage1, max_epochs=max_epochs,
                               val_interval=2,
                               stage_cosine=dict(eta_min=1e-5)),
                param_scheduler=None)


def test_converge_two_stage_keeps_stage1_share_and_validates_stage2():
    """SoLar's loop builds its restarted cosine from the stage lengths
    (``stage_cosine``): converging stretches both stages, stage 1 keeping
    its share of the recipe (1 of 4 -> 5 of 20, 2 of 8, 8 of 30 rounding
    7.5 to even; never below 1), and validates from stage 2 on."""
    cfg = two_stage()
    converge(cfg, 'pll/top1', 20, 3, 0.1)
    assert cfg['train_cfg']['val_begin'] == 6
    assert cfg['train_cfg']['max_epochs'] == 20
    assert cfg['train_cfg']['stage1_epochs'] == 5
    assert cfg['param_scheduler'] is None
    for cap, stage1 in ((8, 2), (30, 8), (3, 1)):
        cfg = two_stage()
        converge(cfg, 'pll/top1', cap, 3, 0.1)
        assert cfg['train_cfg']['stage1_epochs'] == stage1
    with pytest.raises(ValueError, match='no epoch after'):
        converge(two_stage(), 'pll/top1', 1, 3, 0.1)


def test_select_build_reaches_wrapped_datasets():
    inner = dict(type='DigitMosaic', variant='lt-noise', split='train')
    cfg = dict(train_dataloader=dict(dataset=dict(type='StitchUpDataset',
                                                  dataset=inner)),
               train_cfg=dict(dataloader_b=dict(dataset=dict(
                   type='StitchUpDataset', dataset=dict(inner)))),
               val_dataloader=dict(dataset=dict(type='DigitMosaic',
                                                variant='pl')))
    assert select_build(cfg, 'plt', 'hard') == 3
    datasets = [cfg['train_dataloader']['dataset']['dataset'],
                cfg['train_cfg']['dataloader_b']['dataset']['dataset'],
                cfg['val_dataloader']['dataset']]
    assert all(d['variant'] == 'plt' and d['geometry'] == 'hard'
               for d in datasets)


def test_cell_config_sets_the_training_precision(tmp_path):
    """Every cell trains under the rule's optimiser wrapper: bfloat16
    autocast unless a parity check asks for float32; a finished run of the
    other precision is no result of the rule (moved aside, run again)."""
    from matrix.cell_config import cell_config
    from matrix.definition import OPTIM_WRAPPER
    from matrix.runner import convergence, run_cell, run_seeds
    config = osp.join(run_seeds.ROOT,
                      'configs/baselines/bce_r18_digitmosaic-pl40.py')
    rules = [convergence(), convergence(optim_wrapper='OptimWrapper')]
    types = [cell_config(config, 'pl', None, 'multi-label/mAP',
                         rule).optim_wrapper.type for rule in rules]
    assert types == [OPTIM_WRAPPER, 'OptimWrapper']
    assert OPTIM_WRAPPER == 'AutocastOptimWrapper'
    cell = cells(small_block())[0]
    calls = []

    def runner(cell, seed, work_dir):
        calls.append(seed)
        return dict(metrics={'multi-label/mAP': 50.}, epochs=8)

    root = str(tmp_path)
    assert run_cell(cell, 0, root, runner, rules[0])['optim_wrapper'] \
        == OPTIM_WRAPPER
    run_cell(cell, 0, root, runner, rules[0])  # reused
    assert calls == [0]
    assert run_cell(cell, 0, root, runner, rules[1])['optim_wrapper'] \
        == 'OptimWrapper'
    assert calls == [0, 0] and osp.isdir(
        osp.join(root, cell.key, 'seed0.stale'))


def test_pll_columns_follow_the_builds():
    assert [pll_variant(rho, q) for _, rho, q in PLL_SETTINGS] == [
        ('pll', ''), ('pll-q05', ''), ('pll-bal', ''), ('pll-bal-q05', '')]
    variant, why = pll_variant(10, 0.3)
    assert variant == '' and 'no DigitMosaic PLL build' in why
    block = blocks()['pll']
    assert [(c.name, c.variant, c.long_tail, c.skip)
            for c in block.columns] == [
        ('lt-q0.3', 'pll', True, ''), ('lt-q0.5', 'pll-q05', True, ''),
        ('balanced-q0.3', 'pll-bal', False, ''),
        ('balanced-q0.5', 'pll-bal-q05', False, '')]


def test_select_build_sets_the_pll_variant():
    cfg = dict(train_dataloader=dict(dataset=dict(type='DigitMosaicPLL',
                                                  split='train')),
               val_dataloader=dict(dataset=dict(type='DigitMosaicPLL',
                                                variant='pll-bal')))
    assert select_build(cfg, 'pll', None, seed=0) == 2
    assert all(cfg[k]['dataset']['variant'] == 'pll'
               and cfg[k]['dataset']['seed'] == 0
               for k in ('train_dataloader', 'val_dataloader'))


def test_pretraining_uses_no_evaluated_source_digit(tmp_path, monkeypatch):
    """The report's overlap line, from the real pools of the pre-training
    build and of an evaluated build (only their meta.json is written)."""
    import json
    import os

    from matrix.runner import run_seeds

    from mlc.datasets.digitmosaic.generator import (
        VARIANTS,
        draw_variant,
        load_source,
        variant_folder,
    )
    target = load_source()[1]
    block = blocks()['multilabel']
    for root, variant, seed in (
            (PRETRAIN['data_root'], PRETRAIN['variant'],
             PRETRAIN['data_seed']),
            ('data/digitmosaic', block.columns[0].variant, 0)):
        pools, _ = draw_variant(VARIANTS[variant], seed, target)
        folder = variant_folder(str(tmp_path / root), variant,
                                block.geometry)
        os.makedirs(folder)
        with open(osp.join(folder, 'meta.json'), 'w') as f:
            json.dump(dict(source=dict(pools={
                s: np.sort(np.concatenate(p)).tolist()
                for s, p in pools.items()})), f)
    monkeypatch.setattr(run_seeds, 'ROOT', str(tmp_path))
    line = driver.source_overlap(block)
    assert 'used 0 of the 723 source digits' in line, line


def test_every_row_config_exists():
    assert osp.isfile(osp.join(ROOT, PRETRAIN['config'])), PRETRAIN
    for block in blocks().values():
        for row in block.rows:
            if row.runner == 'mmengine':
                assert osp.isfile(osp.join(ROOT, row.config)), row.config


def test_epochs_flag_runs_still_improving_at_the_cap():
    from matrix.stats import epochs
    assert epochs([{'epochs': 7, 'best_epoch': 5},
                   {'epochs': 9, 'best_epoch': 6}], 12) == '8 (5.5)'
    assert epochs([{'epochs': 12, 'best_epoch': 12}], 12) == '12 (12)*'
    assert epochs([{'epochs': 12, 'best_epoch': 10}], 12) == '12 (10)'


def test_train_and_test_in_best_only_tests_best_and_resumes(tmp_path,
                                                             monkeypatch):
    import json

    import run_seeds
    calls = []

    def fake_run(cmd, log):
        calls.append(cmd[0])
        work = cmd[cmd.index('--work-dir') + 1]
        if cmd[0] == 'tools/train.py':
            open(osp.join(work, 'last_checkpoint'), 'w').write('epoch_3.pth')
            open(osp.join(work, 'best_multi-label_mAP_epoch_2.pth'), 'w')
        else:
            assert cmd[2].endswith('best_multi-label_mAP_epoch_2.pth')
            with open(cmd[cmd.index('--metrics-out') + 1], 'w') as f:
                json.dump({'multi-label/mAP': 50.0}, f)

    monkeypatch.setattr(run_seeds, 'run', fake_run)
    work = str(tmp_path / 'cell')
    out = run_seeds.train_and_test_in('c.py', 0, work, [], best_only=True)
    assert out == {'best': {'multi-label/mAP': 50.0}}
    assert calls == ['tools/train.py', 'tools/test.py']
    run_seeds.train_and_test_in('c.py', 0, work, [], best_only=True)
    assert len(calls) == 2  # finished: nothing rerun


def test_cost_lines_sum_and_elapsed():
    block = small_block()
    runs = {('multilabel', 'BCE', 'missing'): [
                dict(seed=0, seconds=1800, started=0, finished=1800)],
            ('multilabel', 'Hill', 'missing'): [
                dict(seed=0, seconds=1800, started=600, finished=2400)]}
    lines = driver.cost_lines([block], [0], runs)
    # 3 runnable cells (Hill cannot run on noise); two in parallel: 1 h of
    # cell time in 2400 s elapsed
    assert lines[2] == '| multilabel | 0 | 2 | 3 | 1.00 | 0.67 |'


def test_cli_refuses_unknown_rows_and_smoke_into_results(tmp_path,
                                                         monkeypatch):
    import run_matrix
    monkeypatch.setattr(run_matrix, 'report_data', lambda selected: None)
    common = ['--work-root', str(tmp_path / 'w'), '--out',
              str(tmp_path / 'm.md'), '--report-only']
    with pytest.raises(SystemExit, match=r"--rows: unknown \['Foo'\]"):
        run_matrix.main(common + ['--rows', 'Foo'])
    with pytest.raises(SystemExit, match='--smoke runs are not results'):
        run_matrix.main(['--smoke', '8'])
    for flag in (['--max-epochs', '16'], ['--fp32']):
        with pytest.raises(SystemExit,
                           match=f'{flag[0]} runs are a check beside'):
            run_matrix.main(common + flag)
    own = ['--work-root', str(tmp_path / 'w16'), '--out',
           str(tmp_path / 'm16.md'), '--fig-dir', str(tmp_path / 'f16'),
           '--report-only', '--blocks', 'multilabel']
    with pytest.raises(SystemExit, match='below the matrix.s minimum of 6'):
        run_matrix.main(own + ['--max-epochs', '4'])
    with pytest.raises(SystemExit, match='exclude each other'):
        run_matrix.main(own + ['--max-epochs', '16', '--smoke', '8'])
    run_matrix.main(own + ['--max-epochs', '16'])
    text = open(tmp_path / 'm16.md').read()
    assert "under the cells' stopping rule and cap" in text
    for flag in (['--fp32'], ['--smoke', '8']):
        with pytest.raises(SystemExit, match='--trunk-root takes the'):
            run_matrix.main(own + flag + ['--trunk-root', str(tmp_path)])
    run_matrix.main(own + ['--max-epochs', '16', '--trunk-root',
                           str(tmp_path / 'w')])
    assert "under the matrix's stopping rule and cap, in `" + str(
        tmp_path / 'w') + '`' in open(tmp_path / 'm16.md').read()
    run_matrix.main(own + ['--max-epochs', '16'])
    text = open(tmp_path / 'm16.md').read()
    assert 'Generated by `OMP_NUM_THREADS=1 python tools/analysis_tools/' \
        'run_matrix.py --work-root' in text and 'at most 16' in text
    assert 'bfloat16 autocast' in text and 'float32 (`OptimWrapper`)' \
        not in text
    run_matrix.main(own + ['--fp32'])
    text = open(tmp_path / 'm16.md').read()
    assert 'Every run trains in float32 (`OptimWrapper`).' in text \
        and 'bfloat16' not in text


def test_schedule_check_caps_runs_and_flags_its_own_cap(tmp_path):
    """--max-epochs replaces the cap of every cell's rule and of the
    report's 'reached the cap' flag (a run stopping at 16 with its best
    epoch last is flagged under cap 16, not under the matrix's 8)."""
    from matrix.definition import CONVERGENCE
    from matrix.runner import convergence
    rule = convergence(0, 16)
    assert rule['max_epochs'] == 16 and CONVERGENCE['max_epochs'] == 8
    # the earliest stop moves to 3/4 of the cap (12 of 16), never below 6
    assert rule['min_epochs'] == 12 and convergence()['min_epochs'] == 6
    assert [convergence(0, n)['min_epochs'] for n in (9, 24, 30)] == [
        7, 18, 23]
    assert {k: v for k, v in rule.items()
            if k not in ('max_epochs', 'min_epochs')} == dict({
                k: v for k, v in CONVERGENCE.items()
                if k not in ('max_epochs', 'min_epochs')},
                optim_wrapper='AutocastOptimWrapper')
    block, root = small_block(), str(tmp_path / 'runs')

    def capped(cell, seed, work_dir):
        return dict(metrics={'multi-label/mAP': 60.0}, epochs=16,
                    best_epoch=16)

    driver.run_matrix([block], [0], root, runner=capped, rows=['BCE'])
    out = str(tmp_path / 'm.md')
    text = driver.report([block], [0], root, str(tmp_path / 'f'), out,
                         max_epochs=16)
    assert 'at most 16' in text and '| 16 (16)* |' in text
    text = driver.report([block], [0], root, str(tmp_path / 'f'), out)
    assert '| 16 (16) |' in text


def test_run_stopped_before_the_rules_minimum_is_rerun(tmp_path):
    """A run that stopped at epoch 7 (the old rule of a 30-epoch check) is
    not a result of the 30-epoch rule (earliest stop 23): the report leaves
    it out, the driver moves it to ``seed0.stale`` and reruns it; the
    matrix rule (earliest stop 6) still reads it."""
    from matrix.runner import cell_dir, convergence
    block, root = small_block(), str(tmp_path / 'runs')
    epochs = iter([7, 30])

    def runner(cell, seed, work_dir):
        n = next(epochs)
        return dict(metrics={'multi-label/mAP': float(n)}, epochs=n,
                    best_epoch=n)

    driver.run_matrix([block], [0], root, runner=runner, rows=['BCE'],
                      columns=['missing'])
    cell = next(c for c in cells(block)
                if (c.row.name, c.column.name) == ('BCE', 'missing'))
    assert driver.collect([block], [0], root)  # matrix rule: kept
    assert not driver.collect([block], [0], root, convergence(0, 30))
    assert driver.todo([block], [0], root, ['BCE'], ['missing'],
                       convergence(0, 30)) == [(cell, 0)]
    driver.run_matrix([block], [0], root, runner=runner, rows=['BCE'],
                      columns=['missing'], max_epochs=30)
    runs = driver.collect([block], [0], root, convergence(0, 30))
    assert [r['epochs'] for r in runs[('multilabel', 'BCE', 'missing')]] \
        == [30]
    stale = cell_dir(root, cell, 0) + '.stale'
    with open(osp.join(stale, 'result.json')) as f:
        assert json.load(f)['epochs'] == 7


def test_diagnosis_column_runs_only_its_rows():
    """lt-noise-prior runs the four rows of the Stitch-Up claim (the two
    ablations included); every other row skips it with one reason."""
    block = blocks()['multilabel']
    column = [c for c in cells(block) if c.column.name == 'lt-noise-prior']
    assert {c.row.name for c in column if not c.skip} == {
        'BCE, stem..layer3 frozen', 'Stitch-Up + co-learning',
        'co-learning w/o Stitch-Up', 'Stitch-Up w/o co-learning'}
    why = 'diagnosis column of the Stitch-Up claim (its rows only)'
    assert sum(c.skip == why for c in column) >= 5  # BCE, Focal, ASL, ...
    assert all(c.skip for c in column if c.row.name in ('BCE', 'Hill'))
    # the COMIC ablations still run in plt only
    comic = [c for c in cells(block) if c.row.name == 'COMIC w/o balance']
    assert [c.column.name for c in comic if not c.skip] == ['plt']


def test_smoke_report_shows_the_smoke_runs(tmp_path):
    """A ``--smoke`` run (2 epochs under the smoke rule) is a finished run
    of its own page: the report reads it under the smoke rule, not as a run
    that stopped before the matrix rule's epoch 6."""
    import pathlib

    import run_matrix
    from matrix.runner import cell_dir
    block, root = blocks()['multilabel'], str(tmp_path / 'smoke')
    cell = next(c for c in cells(block)
                if (c.row.name, c.column.name) == ('BCE', 'missing'))
    folder = cell_dir(root, cell, 0)
    pathlib.Path(folder).mkdir(parents=True)
    with open(osp.join(folder, 'result.json'), 'w') as f:
        json.dump(dict(metrics={'multi-label/mAP': 50.0}, epochs=2,
                       best_epoch=2, seed=0,
                       optim_wrapper='AutocastOptimWrapper'), f)
    out = str(tmp_path / 'smoke.md')
    run_matrix.main(['--smoke', '8', '--work-root', root, '--out', out,
                     '--fig-dir', str(tmp_path / 'f'), '--report-only',
                     '--blocks', 'multilabel', '--seeds', '0'])
    text = open(out).read()
    assert cell_text(text, 'BCE', 2) == '50.0 (n=1)'  # column 'missing'
    assert 'never before epoch 1 (at most 2;' in text


def test_pretrained_trunk_stopped_before_the_rules_minimum_is_refused(
        tmp_path):
    """A trunk pre-trained for 11 epochs (an older rule of a 30-epoch
    check) is no trunk of the 30-epoch rule (earliest stop 23): the frozen
    cells are not trained on it; the matrix rule (earliest stop 6) still
    uses it."""
    import pathlib

    from matrix.runner import pretrained_trunk, trunk_dir
    folder = trunk_dir(str(tmp_path), 'hard')
    pathlib.Path(folder).mkdir(parents=True)
    with open(osp.join(folder, 'result.json'), 'w') as f:
        json.dump(dict(metrics={'multi-label/mAP': 90.0}, epochs=11,
                       best_epoch=8, optim_wrapper='AutocastOptimWrapper'),
                  f)
    open(osp.join(folder, 'best_multi-label_mAP_epoch_8.pth'), 'w').close()
    with pytest.raises(ValueError, match='stopped after 11 epochs, before '
                       'this rule.s minimum of 23'):
        pretrained_trunk(str(tmp_path), 'hard', max_epochs=30)
    assert pretrained_trunk(str(tmp_path), 'hard').endswith('epoch_8.pth')


def _fake_trunk_training(calls, best, mAP, wait=0.0):
    """A ``train_config`` stand-in: records its work dir, trains for
    ``wait`` seconds, leaves only its best checkpoint (epoch ``best``)."""
    import pathlib
    import time

    def fake_train(cfg, seed, work_dir):
        calls.append(work_dir)
        pathlib.Path(work_dir).mkdir(parents=True, exist_ok=True)
        time.sleep(wait)  # training
        for old in glob.glob(osp.join(work_dir, 'best_*.pth')):
            os.remove(old)  # the new run's best checkpoint replaces it
        open(osp.join(work_dir, f'best_multi-label_mAP_epoch_{best}.pth'),
             'w').close()
        return dict(metrics={'multi-label/mAP': mAP}, epochs=8,
                    best_epoch=best)
    return fake_train


def test_two_drivers_pre_train_a_missing_trunk_once(tmp_path, monkeypatch):
    """Two ``run_matrix.py`` processes on one work root (here two threads,
    each opening the lock itself) that both need the missing trunk: one
    trains it, the other waits and reuses it (unguarded, the second one's
    ``train_config`` wiped the first one's run mid-training)."""
    import threading

    from matrix import runner
    calls = []

    fake_train = _fake_trunk_training(calls, 6, 90.0, wait=0.5)

    monkeypatch.setattr(runner, 'cell_config', lambda *args, **kw: None)
    monkeypatch.setattr(runner, 'train_config', fake_train)
    start = threading.Barrier(2)
    found = []

    def driver_process():
        start.wait()
        found.append(runner.pretrained_trunk(str(tmp_path), 'hard'))

    threads = [threading.Thread(target=driver_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(found) == 2
    assert all(p.endswith('epoch_6.pth') for p in found)


def test_trunk_without_its_own_best_checkpoint_is_pre_trained_again(
        tmp_path, monkeypatch):
    """A recorded trunk whose folder holds the best checkpoint of another
    epoch (an interrupted earlier run, or a record restored on a fresh
    machine) is pre-trained again; the new result keeps its precision and
    wall time, and a result differing from the record is warned about."""
    import pathlib

    from matrix import runner
    folder = runner.trunk_dir(str(tmp_path), 'hard')
    pathlib.Path(folder).mkdir(parents=True)
    with open(osp.join(folder, 'result.json'), 'w') as f:
        json.dump(dict(metrics={'multi-label/mAP': 90.0}, epochs=8,
                       best_epoch=8, optim_wrapper='AutocastOptimWrapper'),
                  f)
    open(osp.join(folder, 'best_multi-label_mAP_epoch_5.pth'), 'w').close()
    calls, logged = [], []

    fake_train = _fake_trunk_training(calls, 7, 89.0)

    monkeypatch.setattr(runner, 'cell_config', lambda *args, **kw: None)
    monkeypatch.setattr(runner, 'train_config', fake_train)
    monkeypatch.setattr(runner, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    found = runner.pretrained_trunk(str(tmp_path), 'hard')
    assert calls == [osp.abspath(folder)]
    assert found.endswith('best_multi-label_mAP_epoch_7.pth')
    with open(osp.join(folder, 'result.json')) as f:
        result = json.load(f)
    assert result['best_epoch'] == 7 and result['seconds'] >= 0
    assert result['optim_wrapper'] == 'AutocastOptimWrapper'
    assert any('without its best checkpoint' in m for m in logged)
    assert any('pre-trained again tests' in m for m in logged)
    # now it is its own: reused, not trained a third time
    assert runner.pretrained_trunk(str(tmp_path), 'hard') == found
    assert len(calls) == 1


def test_a_cell_reads_its_own_output_not_a_branch_metric():
    """A two-branch run reports each branch beside its fused output
    (``balanced/mAP`` sorts before ``multi-label/mAP``): the cell is the
    fused output; a branch is read only by its full name (before the fix,
    the Stitch-Up cells showed the balanced branch's mAP)."""
    from matrix.stats import metric, stat
    run = dict(metrics={'balanced/mAP': 64.9, 'balanced/mAP_few': 42.6,
                        'multi-label/mAP': 73.0, 'multi-label/mAP_few': 58.3,
                        'random/mAP': 71.0})
    assert metric(run, 'mAP') == 73.0
    assert metric(run, 'mAP_few') == 58.3
    assert metric(run, 'balanced/mAP') == 64.9
    assert metric(dict(metrics={'random/mAP': 71.0}), 'mAP') is None
    assert metric(dict(metrics={'pll/top1': 40.0}), 'top1') == 40.0
    assert metric(dict(metrics={'plain/mAP': 80.0}), 'mAP') == 80.0
    assert stat([run, dict(metrics={'multi-label/mAP': 75.0})],
                'mAP').mean == 74.0


def test_a_schedule_check_can_reuse_the_matrix_trunk(tmp_path, monkeypatch):
    """``--trunk-root``: a frozen-trunk cell of a cap-24 check starts from
    the matrix's trunk, trained under the matrix's cap (None = 8), and
    records it; by default the check pre-trains its own under its cap."""
    from matrix import runner
    asked = []
    check, matrix = str(tmp_path / 'matrix-cap24'), str(tmp_path / 'matrix')

    def fake_trunk(root, geometry, smoke, max_epochs, optim_wrapper):
        asked.append((osp.basename(root), max_epochs))
        folder = runner.trunk_dir(root, geometry)
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, 'result.json'), 'w') as f:
            json.dump(dict(metrics={'multi-label/mAP': 88.8}), f)
        return osp.join(folder, 'best.pth')

    def fake_train(cfg, seed, work_dir):
        # another process pre-trains the trunk again during the run: the
        # run still records the trunk it loaded
        for root in (matrix, check):
            folder = runner.trunk_dir(root, 'hard')
            if osp.isdir(folder):
                with open(osp.join(folder, 'result.json'), 'w') as f:
                    json.dump(dict(metrics={'multi-label/mAP': 1.0}), f)
        return dict(metrics={'multi-label/mAP': 70.0})

    monkeypatch.setattr(runner, 'pretrained_trunk', fake_trunk)
    monkeypatch.setattr(runner, 'cell_config', lambda *args, **kw: None)
    monkeypatch.setattr(runner, 'train_config', fake_train)
    comic = next(c for c in cells(blocks()['multilabel'])
                 if c.row.name == 'COMIC' and c.column.name == 'plt')
    bce = next(c for c in cells(blocks()['multilabel'])
               if c.row.name == 'BCE' and c.column.name == 'plt')
    shared = runner.default_runner(check, max_epochs=24, trunk_root=matrix)
    result = shared(comic, 0, str(tmp_path / 'c0'))
    assert asked == [('matrix', None)]
    assert result['trunk'] == dict(root='matrix',
                                   metrics={'multi-label/mAP': 88.8})
    assert 'trunk' not in shared(bce, 0, str(tmp_path / 'b0'))
    own = runner.default_runner(check, max_epochs=24)
    assert own(comic, 0, str(tmp_path / 'c1'))['trunk']['root'] == \
        'matrix-cap24'
    assert asked[-1] == ('matrix-cap24', 24)
    assert runner.trunk_of(matrix, matrix, 24) == (matrix, 24)


def test_a_check_saves_the_trunk_it_trains_with_its_own_root(
        tmp_path, monkeypatch):
    """A check with ``--trunk-root`` that has to pre-train the matrix's
    trunk saves it to the matrix's record file, not to the check's."""
    from matrix import records, runner

    def fake_trunk(root, geometry, smoke, max_epochs, optim_wrapper):
        folder = runner.trunk_dir(root, geometry)
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, 'result.json'), 'w') as f:
            json.dump(dict(metrics={'multi-label/mAP': 88.8}), f)
        return ''

    monkeypatch.setattr(driver, 'pretrained_trunk', fake_trunk)
    monkeypatch.setattr(driver, 'prebuild', lambda pending: None)
    monkeypatch.setattr(driver, 'default_runner', lambda *args: (
        lambda cell, seed, work_dir: dict(
            metrics={'multi-label/mAP': 70.0}, epochs=24, best_epoch=24)))
    folder, matrix = str(tmp_path / 'runs'), str(tmp_path / 'matrix')
    check = matrix + '-cap24'
    driver.run_matrix([blocks()['multilabel']], [0], check,
                      rows=['COMIC'], columns=['plt'], max_epochs=24,
                      record_file=records.record_file(folder, check),
                      trunk_root=matrix)
    assert list(records.load(records.record_file(folder, matrix))) == [
        'pretrain/hard']
    assert list(records.load(records.record_file(folder, check))) == [
        'multilabel/comic/plt/seed0']


def test_rerun_other_trunk_trains_again_the_runs_of_an_older_trunk(
        tmp_path, monkeypatch):
    """The trunk pre-trained again tests 86.9 instead of 88.8: a rerun
    reuses both finished runs, unless ``rerun_other_trunk``: then the COMIC
    run (frozen trunk, started from 88.8) moves to ``.stale`` and trains
    again on 86.9, while BCE (no frozen trunk) is kept."""
    from matrix import runner
    root, trunk_mAP, calls = str(tmp_path / 'matrix'), [88.8], []

    def fake_trunk(root_, geometry, smoke, max_epochs, optim_wrapper):
        folder = runner.trunk_dir(root_, geometry)
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, 'result.json'), 'w') as f:
            json.dump(dict(metrics={'multi-label/mAP': trunk_mAP[0]}), f)
        return ''

    def fake_runner(work_root, smoke, max_epochs, optim_wrapper, trunk_root):
        def run(cell, seed, work_dir):
            calls.append(cell.row.name)
            out = dict(metrics={'multi-label/mAP': 70.0}, epochs=8,
                       best_epoch=8)
            if cell.row.frozen is not None:
                out['trunk'] = runner.trunk_record(work_root,
                                                   cell.block.geometry)
            return out
        return run

    monkeypatch.setattr(driver, 'pretrained_trunk', fake_trunk)
    monkeypatch.setattr(driver, 'prebuild', lambda pending: None)
    monkeypatch.setattr(driver, 'default_runner', fake_runner)
    block = blocks()['multilabel']
    only = dict(rows=['BCE', 'COMIC'], columns=['plt'])
    driver.run_matrix([block], [0], root, **only)
    assert sorted(calls) == ['BCE', 'COMIC']
    trunk_mAP[0] = 86.9
    driver.run_matrix([block], [0], root, **only)
    assert len(calls) == 2
    driver.run_matrix([block], [0], root, rerun_other_trunk=True, **only)
    assert calls[2:] == ['COMIC']
    comic = next(c for c in cells(block)
                 if (c.row.name, c.column.name) == ('COMIC', 'plt'))
    folder = runner.cell_dir(root, comic, 0)
    trunk = runner.load_result(folder)['trunk']
    assert trunk == dict(root='matrix', metrics={'multi-label/mAP': 86.9})
    assert runner.load_result(folder + '.stale')['trunk']['metrics'] == {
        'multi-label/mAP': 88.8}
    assert runner.other_trunk(dict(metrics={}), comic, dict(
        trunks={'hard': trunk})) == (
        'it started from an unrecorded trunk, the trunk now is the '
        '`matrix` trunk (test mAP 86.900)')


def test_report_data_builds_the_cells_and_the_trunks_pre_training_data(
        monkeypatch):
    """A checkout whose runs all came from records built no data: the
    report builds each runnable cell's variant once (data seed 0) and the
    pre-training data of the blocks with frozen-trunk rows (not pll)."""
    import mlc.datasets.digitmosaic as digitmosaic
    built = []
    monkeypatch.setattr(digitmosaic, 'prepare_digitmosaic',
                        lambda root, variant, seed=0, geometry=None:
                        built.append((osp.relpath(root, ROOT), variant,
                                      seed, geometry)))
    driver.report_data(driver.select(['multilabel', 'pll', 'shifted']))
    assert ('data/digitmosaic', 'pretrain', PRETRAIN['data_seed'], 'hard') \
        in built and ('data/digitmosaic', 'pretrain',
                      PRETRAIN['data_seed'], 'shifted') in built
    assert sum(v == 'pretrain' for _, v, _, _ in built) == 2
    cells_ = driver.runnable(driver.select(['multilabel', 'pll', 'shifted']))
    assert {(v, g or None) for _, v, _, g in built if v != 'pretrain'} == {
        (c.column.variant, c.block.geometry) for c in cells_}
    assert len(built) == len(set(built))


def test_trunk_usage_counts_the_frozen_runs_of_each_trunk_by_seed():
    """Two trunks (88.8 for seeds 0 and 1, 86.9 for seed 2) and a run
    without the record; a row without a frozen trunk is not counted."""
    block = blocks()['multilabel']
    old, new = ({'root': 'matrix', 'metrics': {'multi-label/mAP': v}}
                for v in (88.8, 86.9))
    results = {
        ('multilabel', 'COMIC', 'plt'): [
            dict(seed=0, trunk=old), dict(seed=1, trunk=old),
            dict(seed=2, trunk=new)],
        ('multilabel', 'BCE, frozen trunk', 'plt'): [
            dict(seed=0, trunk=old), dict(seed=2)],
        ('multilabel', 'BCE', 'plt'): [dict(seed=0), dict(seed=1)],
    }
    assert driver.trunk_usage(results, block) == (
        '- multilabel: the frozen-trunk runs started from an unrecorded '
        'trunk (seed 2: 1 run); the `matrix` trunk (test mAP 86.900) (seed '
        '2: 1 run); the `matrix` trunk (test mAP 88.800) (seed 0: 2 runs, '
        'seed 1: 1 run).')
    assert 'no frozen-trunk run' in driver.trunk_usage({}, block)
