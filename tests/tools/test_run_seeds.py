"""tools/analysis_tools/run_seeds.py: the table's numbers."""

import numpy as np
from _helpers import load_script

run_seeds = load_script('tools/analysis_tools/run_seeds.py')


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


def test_single_seed_shows_n1_not_zero_std():
    runs = [{'multi-label/mAP': 70.0, 'multi-label/CF1': 10.0},
            {'multi-label/mAP': 80.0}]
    text = run_seeds.table({'bce': {'last': runs[:1]}, 'asl': {'best': runs}},
                           ['mAP', 'CF1'], [0])
    rows = {r.split('|')[1].strip(): [c.strip() for c in
                                      r.strip('|').split('|')]
            for r in text.splitlines() if r.startswith('| ')}
    assert rows['bce'][2:4] == ['70.00 (n=1)', '10.00 (n=1)']
    # one of two runs logged CF1: that cell has a single value too
    assert rows['asl'][2:4] == ['75.00 ± 5.00', '10.00 (n=1)']
    assert '± 0.00' not in text


def test_progress_line_counts_runs_and_eta():
    assert run_seeds.progress_line(0, 4, []) == '0/4 runs done, 4 left'
    # reused runs take no time: the ETA uses the trained ones
    assert run_seeds.progress_line(2, 5, [100.0, 140.0]) == (
        '2/5 runs done, 3 left, 2m00s per run, ETA 6m00s')
    assert run_seeds.progress_line(5, 5, [100.0]) == '5/5 runs done, 0 left'
    assert run_seeds.format_duration(3725) == '1h02m'
    assert run_seeds.format_duration(9.4) == '9s'


def test_sweep_prints_a_progress_line_per_run(tmp_path, monkeypatch, capsys):
    config = tmp_path / 'bce.py'
    config.write_text('x = 1\n')
    done = tmp_path / 'work' / 'bce' / 'seed1'
    done.mkdir(parents=True)
    (done / 'test_last.json').write_text('{}')

    def fake(config, seed, work_root, overrides):
        return {'last': {'multi-label/mAP': 50.0 + seed}}

    monkeypatch.setattr(run_seeds, 'train_and_test', fake)
    run_seeds.main([str(config), '--seeds', '0', '1', '--keys', 'mAP',
                    '--work-root', str(tmp_path / 'work')])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith('[run_seeds 1/2] bce seed 0: training')
    assert out[1].startswith('[run_seeds 1/2] bce seed 0: done in ')
    assert out[1].endswith('1/2 runs done, 1 left, 0s per run, ETA 0s')
    assert out[2].startswith('[run_seeds 2/2] bce seed 1: reusing')
    assert out[3].endswith('2/2 runs done, 0 left')
    assert out[4].startswith('[run_seeds] 2 runs in ')
    assert '| bce | last (n=2) | 50.50 ± 0.50 | 50.00 / 51.00 |' in out
