"""The seed papers' main claims, checked on the matrix cells.

A claim is a list of comparisons "row beats base in column on metric"; it
holds when every comparison's delta is positive and larger than the seed
std (the larger of the two cells' population stds, both cells with >= 2
seeds). With a ``versus`` metric the compared quantity is the gain on
``metric`` minus the gain on ``versus`` ("above all on few-shot classes").
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .definition import BCE_FINE_TUNED, BCE_FROZEN, BCE_STAGE3
from .stats import Delta, Results, delta, metric, stat

#: top-1 (%) on a shot group under which, in every seed, a method almost
#: never predicts the group (a handful of its test images)
FLOOR_TOP1 = 1.0


@dataclass(frozen=True)
class Comparison:
    """``row`` minus ``base`` in (``block``, ``column``) on ``metric``."""
    block: str
    row: str
    base: str
    column: str
    metric: str
    versus: str = ''

    def delta(self, results: Results) -> Optional[Delta]:
        """The compared delta (None when a cell has no finished seed)."""
        own = results.get((self.block, self.row, self.column), [])
        base = results.get((self.block, self.base, self.column), [])
        gain = delta(stat(own, self.metric), stat(base, self.metric))
        if not self.versus or gain is None:
            return gain
        other = delta(stat(own, self.versus), stat(base, self.versus))
        if other is None:
            return None
        return Delta(gain.value - other.value, max(gain.std, other.std),
                     min(gain.n, other.n))

    def text(self) -> str:
        what = (f'gain on {self.metric} minus gain on {self.versus}'
                if self.versus else self.metric)
        return f'{self.row} − {self.base}, {self.column}, {what}'


@dataclass(frozen=True)
class Claim:
    paper: str
    text: str
    comparisons: Tuple[Comparison, ...]


def _beats(row: str, bases: Tuple[str, ...], columns: Tuple[str, ...],
           block: str = 'multilabel', metric: str = 'mAP',
           versus: str = '') -> Tuple[Comparison, ...]:
    return tuple(Comparison(block, row, base, column, metric, versus)
                 for base in bases for column in columns)


def _beats_corr_above_all_on_few(row: str) -> Tuple[Comparison, ...]:
    """``row`` beats CORR on long-tailed PLL in top-1 accuracy, and its
    gain on the few-shot classes exceeds its overall gain."""
    columns = ('lt-q0.3', 'lt-q0.5')
    return (_beats(row, ('CORR', ), columns, 'pll', 'top1') +
            _beats(row, ('CORR', ), columns, 'pll', 'top1_few',
                   versus='top1'))


CLAIMS = (
    Claim('Hill / SPLC', 'Hill and SPLC beat BCE under missing labels '
          '(all fine-tuned from the pre-trained trunk, as in the papers)',
          _beats('Hill, fine-tuned', (BCE_FINE_TUNED, ),
                 ('missing', 'single')) +
          _beats('SPLC, fine-tuned', (BCE_FINE_TUNED, ),
                 ('missing', 'single'))),
    Claim('Hill / SPLC, from scratch', 'the same, all trained from scratch '
          '(outside the papers\' regime)',
          _beats('Hill', ('BCE', ), ('missing', 'single')) +
          _beats('SPLC', ('BCE', ), ('missing', 'single'))),
    Claim('PU-MLC', 'PU-MLC beats Hill and SPLC (fine-tuned from the same '
          'pre-trained trunk) and BCE on its own partly frozen trunk under '
          'missing labels',
          _beats('PU-MLC', ('Hill, fine-tuned', 'SPLC, fine-tuned',
                            BCE_STAGE3), ('missing', 'single'))),
    Claim('COMIC', 'COMIC beats BCE on the same frozen trunk on PLT, and '
          'its three parts (correction, modification, balance) each help',
          _beats('COMIC', (BCE_FROZEN, 'COMIC w/o correction',
                           'COMIC w/o modification', 'COMIC w/o balance'),
                 ('plt', ))),
    Claim('Stitch-Up', 'Stitch-Up + co-learning beats BCE on the same '
          'partly frozen trunk on long-tail noise, and Stitch-Up and '
          'co-learning each help',
          _beats('Stitch-Up + co-learning', (BCE_STAGE3,
                                             'co-learning w/o Stitch-Up',
                                             'Stitch-Up w/o co-learning'),
                 ('lt-noise', ))),
    Claim('Recipes carry over', 'with every recipe unchanged, the '
          'missing-label methods keep their gain on the shifted geometry '
          '(other canvas, digit scale and empty-cell rate)',
          _beats('Hill, fine-tuned', (BCE_FINE_TUNED, ), ('missing', ),
                 'shifted') +
          _beats('SPLC, fine-tuned', (BCE_FINE_TUNED, ), ('missing', ),
                 'shifted') +
          _beats('PU-MLC', (BCE_STAGE3, ), ('missing', ), 'shifted') +
          _beats('COMIC', (BCE_FROZEN, ), ('plt', ), 'shifted')),
    Claim('RECORDS', 'RECORDS improves CORR on long-tailed PLL, above all '
          'on few-shot classes', _beats_corr_above_all_on_few('RECORDS')),
    Claim('SoLar', 'SoLar beats CORR on long-tailed PLL, above all on '
          'tail classes', _beats_corr_above_all_on_few('SoLar')),
)


def fails(d: Optional[Delta]) -> bool:
    """A tested delta (both cells >= 2 seeds) that is not positive beyond
    the seed std: the comparison fails."""
    return d is not None and d.n >= 2 and not (d.value > 0 and d.significant)


def at_floor(comp: Comparison, results: Results) -> str:
    """For an "above all on a shot group" comparison (``versus`` set, a
    top-1 group metric): the clause saying that both methods almost never
    predict the group (every seed of both cells below :data:`FLOOR_TOP1`),
    so the comparison sits at a floor and shows no difference between
    them; else ''."""
    if not comp.versus or not comp.metric.startswith('top1_'):
        return ''
    values = [[metric(r, comp.metric) for r in results.get(
        (comp.block, row, comp.column), [])] for row in (comp.row, comp.base)]
    if not all(values) or any(v is None or v >= FLOOR_TOP1
                              for vs in values for v in vs):
        return ''
    own, base = (max(vs) for vs in values)
    return (f'{comp.row} − {comp.base}, {comp.column}: {comp.metric} at '
            f'most {own:.1f} vs {base:.1f} over the seeds, below '
            f'{FLOOR_TOP1:.0f} % for both')


def non_positive(comps: Sequence[Comparison], results: Results
                 ) -> Tuple[List[Comparison], List[str]]:
    """The ``comps`` whose delta is not positive: (those not at a floor,
    the :func:`at_floor` clauses of the others)."""
    fallen, floors = [], []
    for comp in comps:
        d = comp.delta(results)
        if d is None or d.value > 0:
            continue
        clause = at_floor(comp, results)
        if clause:
            floors.append(clause)
        else:
            fallen.append(comp)
    return fallen, floors


def verdict(claim: Claim, results: Results,
            skipped: Optional[Dict[Tuple[str, str, str], str]] = None
            ) -> Tuple[str, List[str]]:
    """(``holds`` | ``does not hold`` | ``not tested``, evidence lines).

    A comparison is tested when both cells have >= 2 finished seeds (so
    there is a seed std); it passes when its delta is positive and exceeds
    that std. The claim does not hold if a tested comparison fails, is not
    tested if some comparison is not (and none failed), else holds.
    Comparisons on a cell that cannot run (``skipped``: (block, row,
    column) -> why) are left out, with their reason as evidence.
    """
    evidence, failed, untested, kept = [], False, False, 0
    for comp in claim.comparisons:
        why = next((skipped[key] for key in (
            (comp.block, comp.row, comp.column),
            (comp.block, comp.base, comp.column)) if key in (skipped or {})),
            None)
        if why is not None:
            evidence.append(f'{comp.text()}: cannot run ({why})')
            continue
        kept += 1
        d = comp.delta(results)
        if d is None:
            evidence.append(f'{comp.text()}: missing cell')
            untested = True
            continue
        evidence.append(f'{comp.text()}: {d.value:+.2f} (seed std '
                        f'{d.std:.2f}, n={d.n})')
        untested |= d.n < 2
        failed |= fails(d)
    if failed:
        return 'does not hold', evidence
    return ('not tested' if untested or not kept else 'holds'), evidence


def claims_table(results: Results,
                 skipped: Dict[Tuple[str, str, str], str]) -> List[str]:
    """Markdown table: paper, claim, verdict, evidence."""
    lines = ['| paper | claim | verdict | evidence |', '|---|---|---|---|']
    for claim in CLAIMS:
        status, evidence = verdict(claim, results, skipped)
        lines.append(f'| {claim.paper} | {claim.text} | {status} | ' +
                     '<br>'.join(evidence) + ' |')
    return lines
