"""tools/analysis_tools/matrix/records.py: the run records a fresh checkout
restores (round trip through a fake-runner matrix, hand-made scalars, bad
lines named by file and line)."""
import json
import os
import os.path as osp
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))

from matrix import driver, records  # noqa: E402
from matrix.cell import Block, Column, Row  # noqa: E402
from matrix.runner import run_files  # noqa: E402

MAP = {('BCE', 'missing'): [60.0, 62.0], ('Hill', 'missing'): [65.0, 69.0]}


def block() -> Block:
    return Block('multilabel', 'hard', 'mAP',
                 (Row('BCE', 'b.py'), Row('Hill', 'h.py')),
                 (Column('missing', 'pl'), ), baseline='BCE')


class FakeRunner:
    """The hand-made mAP of (row, column, seed), with recorded extras."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, cell, seed, work_dir):
        self.calls.append((cell.row.name, seed))
        return dict(metrics={'multi-label/mAP':
                             MAP[(cell.row.name, cell.column.name)][seed]},
                    epochs=7, best_epoch=4, per_class_ap=[0.5, None],
                    epoch_scalars={'multi-label/mAP': {'1': 50.0}})


def lines(path) -> list:
    with open(path) as f:
        return [json.loads(ln) for ln in f]


def test_fresh_work_root_reports_from_the_records_alone(tmp_path):
    """The invariant: a work root restored from the records writes the same
    page as the one that trained, and trains nothing."""
    root, fresh = str(tmp_path / 'a' / 'matrix'), str(tmp_path / 'b' /
                                                      'matrix')
    path = records.record_file(str(tmp_path / 'runs'), root)
    assert path == str(tmp_path / 'runs' / 'matrix.jsonl')
    fake = FakeRunner()
    driver.run_matrix([block()], [0, 1], root, runner=fake, record_file=path)
    saved = lines(path)
    assert len(saved) == 4  # each run saved as it finished
    assert {r['run'] for r in saved} == {
        f'multilabel/{row}/missing/seed{s}' for row in ('bce', 'hill')
        for s in (0, 1)}

    assert records.sync(path, fresh) == (4, 0)
    again = FakeRunner()
    driver.run_matrix([block()], [0, 1], fresh, runner=again,
                      record_file=path)
    assert again.calls == []
    texts = [driver.report([block()], [0, 1], r, str(tmp_path / 'figs'),
                           str(tmp_path / 'm.md')).replace(r, 'ROOT')
             for r in (root, fresh)]
    assert texts[0] == texts[1]
    assert '67.0 ± 2.0 [+6.0]' in texts[1]  # Hill: (65 + 69) / 2 - 61
    assert len(lines(path)) == 4  # nothing saved twice


def test_save_appends_only_changes_and_the_last_record_wins(tmp_path):
    root, path = tmp_path / 'root', str(tmp_path / 'r.jsonl')
    run = root / 'x' / 'seed0'
    run.mkdir(parents=True)
    (run / 'result.json').write_text(json.dumps({'metrics': {'m': 1.0}}))
    assert records.save(path, str(root), [str(run)]) == 1
    assert records.save(path, str(root), [str(run)]) == 0
    (run / 'result.json').write_text(json.dumps({'metrics': {'m': 2.0}}))
    assert records.save(path, str(root), [str(run)]) == 1
    assert records.load(path) == {'x/seed0': {'metrics': {'m': 2.0}}}
    # a run of this machine is never overwritten by a record
    (run / 'result.json').write_text(json.dumps({'metrics': {'m': 3.0}}))
    assert records.restore(path, str(root)) == 0
    assert json.loads((run / 'result.json').read_text())['metrics'] == {
        'm': 3.0}


def test_sync_leaves_out_stale_runs_and_restores_the_checks(tmp_path):
    """A run moved aside (``seed0.stale``) is no result; a schedule check's
    records (``matrix-cap30.jsonl``) go to ``matrix-cap30`` beside the
    work root, where the diagnoses read them."""
    base = tmp_path / 'wd'
    for folder in ('matrix/a/seed0', 'matrix/a/seed1.stale'):
        os.makedirs(base / folder)
        (base / folder / 'result.json').write_text('{"epochs": 3}')
    folder = tmp_path / 'runs'
    folder.mkdir()
    (folder / 'matrix-cap30.jsonl').write_text(
        '{"run": "a/seed0", "epochs": 30}\n')
    (folder / 'matrix-capX.jsonl').write_text('not a check\n')
    out = records.sync_with_checks(str(folder), str(base / 'matrix'))
    assert out == {str(folder / 'matrix.jsonl'): (0, 1),
                   str(folder / 'matrix-cap30.jsonl'): (1, 0)}
    assert list(records.load(str(folder / 'matrix.jsonl'))) == ['a/seed0']
    assert json.loads((base / 'matrix-cap30' / 'a' / 'seed0' /
                       'result.json').read_text()) == {'epochs': 30}


@pytest.mark.parametrize('text,error', [
    ('{"run": "a", "epochs": 1}\n{"run": "a"\n', r'r\.jsonl:2: not JSON'),
    ('\n[1, 2]\n', r'r\.jsonl:2: a record is a JSON object with a "run"'),
    ('{"epochs": 1}\n', r'r\.jsonl:1: a record is a JSON object'),
    ('{"run": "../a"}\n', r'r\.jsonl:1: .*relative to the work root'),
    ('{"run": "/a"}\n', r'r\.jsonl:1: .*relative to the work root'),
    ('{"run": "a/./b"}\n', r'r\.jsonl:1: .*relative to the work root'),
])
def test_bad_record_lines_are_named(tmp_path, text, error):
    path = tmp_path / 'r.jsonl'
    path.write_text(text)
    with pytest.raises(ValueError, match=error):
        records.load(str(path))


def test_a_save_cut_off_by_a_crash_is_left_out_then_cut(tmp_path):
    """An unfinished last line (no newline, not JSON) is left out by
    load and removed by the next save, which appends after it."""
    path, root = tmp_path / 'r.jsonl', tmp_path / 'w'
    path.write_text('{"run": "a", "epochs": 1}\n{"run": "b", "epo')
    assert records.load(str(path)) == {'a': {'epochs': 1}}
    (root / 'b').mkdir(parents=True)
    (root / 'b' / 'result.json').write_text('{"epochs": 2}')
    assert records.save(str(path), str(root), [str(root / 'b')]) == 1
    assert path.read_text() == ('{"run": "a", "epochs": 1}\n'
                                '{"epochs": 2, "run": "b"}\n')


def test_a_run_result_carries_what_the_report_reads(tmp_path):
    """``run_files`` copies the per-class AP and the epoch means of the
    recorded scalars (hand-computed: iteration lines 0.2 and 0.4 -> 0.3;
    an unrecorded key is dropped) into the result."""
    (tmp_path / 'last_checkpoint').write_text(
        str(tmp_path / 'epoch_5.pth'))
    (tmp_path / 'best_multi-label_mAP_epoch_3.pth').write_text('')
    stamp = tmp_path / '20261201_000000'
    (stamp / 'vis_data').mkdir(parents=True)
    (stamp / 'multi-label_per_class_ap.json').write_text(json.dumps(
        {'classes': [{'name': '0', 'ap': 80.0}, {'name': '1', 'ap': None}]}))
    (stamp / 'vis_data' / 'scalars.json').write_text('\n'.join(json.dumps(r)
                                                               for r in (
        {'splc_pseudo_precision': 0.2, 'loss': 9.0, 'epoch': 1, 'step': 1},
        {'splc_pseudo_precision': 0.4, 'loss': 7.0, 'epoch': 1, 'step': 2},
        {'multi-label/mAP': 55.0, 'step': 1},
        {'prior_kl_true': float('nan'), 'step': 1})))
    result = run_files(str(tmp_path))
    assert result == dict(
        epochs=5, best_epoch=3, per_class_ap=[80.0, None],
        epoch_scalars={'multi-label/mAP': {'1': 55.0},
                       'splc_pseudo_precision': {'1': pytest.approx(0.3)}})
    assert records.curves(result, r'^splc_') == {
        'splc_pseudo_precision': {1: pytest.approx(0.3)}}
