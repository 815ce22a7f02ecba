"""tools/analysis_tools/matrix/claims.py: verdicts of the papers' claims
(hand-computed deltas and seed stds) and the comparisons they make."""
import os.path as osp
import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))

from matrix.claims import CLAIMS, Claim, Comparison, verdict  # noqa: E402


def _results(a, b):
    def runs(values):
        return [{'metrics': {'multi-label/mAP': v}} for v in values]
    return {('multilabel', 'A', 'c'): runs(a),
            ('multilabel', 'B', 'c'): runs(b)}


CLAIM = Claim('p', 'A beats B', (Comparison('multilabel', 'A', 'B', 'c',
                                            'mAP'), ))


@pytest.mark.parametrize('a,b,expected', [
    ([70.0, 72.0], [60.0, 61.0], 'holds'),          # +10.5 > std 1
    ([70.0, 80.0], [70.0, 71.0], 'does not hold'),  # +4.5 < std 5
    ([60.0, 61.0], [70.0, 72.0], 'does not hold'),  # negative
    ([70.0], [60.0], 'not tested'),                 # n=1: no seed std
])
def test_claim_verdict(a, b, expected):
    status, evidence = verdict(CLAIM, _results(a, b))
    assert status == expected
    d = np.mean(a) - np.mean(b)
    std, n = max(np.std(a), np.std(b)), min(len(a), len(b))
    assert evidence == [f'A − B, c, mAP: {d:+.2f} (seed std {std:.2f}, '
                        f'n={n})']


def test_claim_missing_cell_and_failure_wins():
    results = _results([70.0, 72.0], [80.0, 81.0])
    claim = Claim('p', 'two', CLAIM.comparisons + (
        Comparison('multilabel', 'A', 'Z', 'c', 'mAP'), ))
    status, evidence = verdict(claim, results)
    assert status == 'does not hold'  # a tested comparison failed
    assert evidence[1].endswith('missing cell')
    status, _ = verdict(claim, _results([90.0, 91.0], [80.0, 81.0]))
    assert status == 'not tested'


def test_claim_versus_metric_is_gain_difference():
    def runs(top1, few):
        return [{'metrics': {'pll/top1': t, 'pll/top1_few': f}}
                for t, f in zip(top1, few)]
    results = {('pll', 'R', 'c'): runs([52, 54], [40, 42]),
               ('pll', 'C', 'c'): runs([50, 50], [30, 30])}
    comp = Comparison('pll', 'R', 'C', 'c', 'top1_few', versus='top1')
    d = comp.delta(results)
    assert d.value == pytest.approx((41 - 30) - (53 - 50))
    assert d.std == pytest.approx(1.0)


@pytest.mark.parametrize('paper', ['RECORDS', 'SoLar'])
def test_pll_claims_compare_top1_and_the_few_shot_gain(paper):
    """The long-tailed PLL claims: top-1 above CORR, then the few-shot
    gain above the top-1 gain, in both long-tailed columns."""
    claim, = (c for c in CLAIMS if c.paper == paper)
    assert claim.comparisons == tuple(
        Comparison('pll', paper, 'CORR', column, metric, versus)
        for metric, versus in (('top1', ''), ('top1_few', 'top1'))
        for column in ('lt-q0.3', 'lt-q0.5'))


def test_claim_leaves_out_cells_that_cannot_run():
    claim = Claim('p', 'two', CLAIM.comparisons + (
        Comparison('multilabel', 'A', 'B', 'other', 'mAP'), ))
    skipped = {('multilabel', 'B', 'other'): 'no such build'}
    status, evidence = verdict(claim, _results([70.0, 72.0], [60.0, 61.0]),
                               skipped)
    assert status == 'holds'
    assert evidence[1] == 'A − B, other, mAP: cannot run (no such build)'
    only = Claim('p', 'one', claim.comparisons[1:])
    assert verdict(only, {}, skipped)[0] == 'not tested'


def test_every_claim_compares_cells_the_matrix_runs():
    """Each comparison names rows of its block and a column where both rows
    can run (a claim on a cell that never runs could never be tested)."""
    from matrix.cell import cells
    from matrix.definition import blocks
    runnable = {(b.name, c.row.name, c.column.name)
                for b in blocks().values() for c in cells(b) if not c.skip}
    for claim in CLAIMS:
        for comp in claim.comparisons:
            for row in (comp.row, comp.base):
                assert (comp.block, row, comp.column) in runnable, (
                    claim.paper, row, comp.column)


def test_missing_label_claim_is_tested_in_the_papers_regime():
    """Hill / SPLC fine-tune a pre-trained trunk in their papers: their
    claim compares rows that start from the pre-trained trunk with nothing
    frozen, against BCE in the same regime."""
    from matrix.definition import BCE_FINE_TUNED, blocks
    rows = {r.name: r for r in blocks()['multilabel'].rows}
    claim, = (c for c in CLAIMS if c.paper == 'Hill / SPLC')
    for comp in claim.comparisons:
        assert comp.base == BCE_FINE_TUNED
        for name in (comp.row, comp.base):
            regime = rows[name].frozen
            assert regime is not None and regime.options == {}
            assert regime.init_key == 'model.backbone.init_cfg'
