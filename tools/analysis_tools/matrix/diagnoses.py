"""Diagnoses of the paper claims, generated from the finished runs.

Per claim of :data:`.claims.CLAIMS`: the cause of a failure (a schedule
check is a sibling work root ``<work_root>-cap<N>`` of ``run_matrix.py
--max-epochs N``, same layout: the cause is the schedule when every failing
comparison is positive there; one at a floor, :func:`.claims.at_floor`, is
named and not counted), the epochs of its cells, the deltas on the shot
groups of its long-tail columns, the last-epoch precision / recall of
the label corrections against the clean labels, and its own extra
measurements (:data:`EXTRAS`, e.g. the cost of the frozen layers).
"""
import glob
import os.path as osp
import re
import shlex
from dataclasses import replace
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple

from .cell import Block
from .claims import (
    CLAIMS,
    FLOOR_TOP1,
    Claim,
    Comparison,
    at_floor,
    fails,
    non_positive,
    verdict,
)
from .definition import BCE_FINE_TUNED, BCE_STAGE3, blocks
from .measurements import EXTRA_LINES, last_values
from .stats import Key, Results, delta, epochs, stat
from .tables import GROUPS
from .trunk import trunk_caveat, trunk_note

Comps = Tuple[Comparison, ...]
#: a schedule check not run yet is suggested at this multiple of the cap
CHECK_FACTOR = 3


def _ml(row: str, base: str, columns: Sequence[str]) -> Comps:
    """``row`` minus ``base`` on mAP in the multi-label ``columns``."""
    return tuple(Comparison('multilabel', row, base, c, 'mAP')
                 for c in columns)


_MISSING = ('missing', 'single')
#: claim paper -> (label, comparisons) its diagnosis shows beyond its own
EXTRAS: Dict[str, Tuple[Tuple[str, Comps], ...]] = {
    'Hill / SPLC, from scratch': (
        ('Without missing labels (does Hill learn as fast as BCE from '
         'scratch?)', _ml('Hill', 'BCE', ('clean', ))), ),
    'PU-MLC': (
        ('Protocol: the claim in the PU-MLC paper\'s own protocol (pu)',
         _ml('PU-MLC', 'Hill, fine-tuned', ('pu', )) +
         _ml('PU-MLC', 'SPLC, fine-tuned', ('pu', )) +
         _ml('PU-MLC', BCE_STAGE3, ('pu', )) +
         _ml('PU-MLC', 'Hill, stem..layer3 frozen', ('pu', )) +
         _ml('PU-MLC', 'SPLC, stem..layer3 frozen', ('pu', ))),
        ('Regime: cost of the frozen layers (BCE fine-tuned minus BCE with '
         'stem..layer3 frozen)', _ml(BCE_FINE_TUNED, BCE_STAGE3, _MISSING)),
        ('Regime: PU-MLC on its own partly frozen trunk',
         _ml('PU-MLC', BCE_STAGE3, _MISSING)),
        ('Same trunk: PU-MLC against Hill and SPLC with stem..layer3 frozen',
         _ml('PU-MLC', 'Hill, stem..layer3 frozen', _MISSING) +
         _ml('PU-MLC', 'SPLC, stem..layer3 frozen', _MISSING))),
    'Stitch-Up': (
        ('The DB-focal loss alone, from scratch',
         _ml('DB-focal', 'BCE', ('lt-noise', 'clean'))),
        ('Why DB-focal learns slowly from scratch (clean labels): each '
         'part removed (focal term, negative-tolerant logit regularisation, '
         'both)',
         _ml('DB-focal w/o focal', 'DB-focal', ('clean', )) +
         _ml('DB-focal w/o logit reg.', 'DB-focal', ('clean', )) +
         _ml('DB-focal, re-weighting only', 'DB-focal', ('clean', )) +
         _ml('DB-focal, re-weighting only', 'BCE', ('clean', ))),
        ('Each branch alone on the same trunk (BCE with the uniform '
         'sampler, DB-focal with the class-aware sampler; no Stitch-Up, no '
         'co-learning)',
         _ml('BCE branch alone', BCE_STAGE3, ('lt-noise', )) +
         _ml('DB-focal branch alone', BCE_STAGE3, ('lt-noise', ))),
        ("The DB paper's own claim on the same trunk: DB-focal beats BCE "
         'on a clean long tail',
         _ml('DB-focal branch alone', 'BCE branch alone',
             ('long-tail', 'lt-noise'))),
        ('Noise model: the claim with spurious positives drawn by class '
         'frequency (lt-noise-prior)',
         _ml('Stitch-Up + co-learning', BCE_STAGE3, ('lt-noise-prior', )) +
         _ml('Stitch-Up + co-learning', 'co-learning w/o Stitch-Up',
             ('lt-noise-prior', )) +
         _ml('Stitch-Up + co-learning', 'Stitch-Up w/o co-learning',
             ('lt-noise-prior', )))),
}
#: claim paper -> ({column: other column}, what differs): the benchmark is
#: the cause when every failing comparison holds in its other column
BENCHMARK_CHECKS: Dict[str, Tuple[Dict[str, str], str]] = {
    'PU-MLC': ({'missing': 'pu', 'single': 'pu'}, 'the PU-MLC paper\'s '
               'protocol (40 % of all entries kept, positives and negatives '
               'alike)'),
    'Stitch-Up': ({'lt-noise': 'lt-noise-prior'}, 'spurious positives '
                  'drawn by class frequency instead of uniformly')}


def schedule_roots(work_root: str, cap: int) -> Dict[int, str]:
    """N -> ``<work_root>-cap<N>``, by N: the schedule checks beside the
    matrix whose cap N is longer than ``cap``."""
    base = osp.normpath(work_root)
    roots = {}
    for path in glob.glob(glob.escape(base) + '-cap*'):
        match = re.fullmatch(r'-cap(\d+)', path[len(base):])
        if match and osp.isdir(path) and int(match.group(1)) > cap:
            roots[int(match.group(1))] = path
    return dict(sorted(roots.items()))


@lru_cache(maxsize=None)
def _block(name: str) -> Block:
    """The matrix block ``name`` (built once)."""
    return blocks()[name]


def _cells(comps: Sequence[Comparison]) -> List[Key]:
    """The cells the comparisons use, in order, once each."""
    return list(dict.fromkeys((c.block, r, c.column) for c in comps
                              for r in (c.row, c.base)))


def _delta(comp: Comparison, results: Results) -> str:
    """``+1.23 (n=2/2)`` (seeds of the row's / the base's cell), or
    ``missing cell``."""
    d = comp.delta(results)
    n = '/'.join(str(len(results.get(key, []))) for key in _cells([comp]))
    return 'missing cell' if d is None else f'{d.value:+.2f} (n={n})'


def _long_tail(comp: Comparison) -> bool:
    """Whether the comparison's column reports shot groups."""
    return any(col.long_tail for col in _block(comp.block).columns
               if col.name == comp.column)


def _group_delta(comp: Comparison, group: str, results: Results) -> str:
    """Delta on ``group`` with both means, or ``missing cell``."""
    key = f'{_block(comp.block).metric}_{group}'
    own, base = (stat(results.get(cell, []), key) for cell in _cells([comp]))
    d = delta(own, base)
    return ('missing cell' if d is None else
            f'{d.value:+.2f} ({own.mean:.1f} vs {base.mean:.1f})')


def _check_command(comps: Sequence[Comparison], work_root: str,
                   cap: int) -> str:
    """The schedule check of the comparisons' cells (on the matrix's
    trunk when a row has a frozen one)."""
    n, cells = CHECK_FACTOR * cap, _cells(comps)
    names = [' '.join(shlex.quote(name) for name in dict.fromkeys(
        key[i] for key in cells)) for i in range(3)]
    frozen = any(row.name == key[1] and row.frozen is not None
                 for key in cells for row in _block(key[0]).rows)
    trunk = f' --trunk-root {osp.normpath(work_root)}' if frozen else ''
    return (f'`tools/analysis_tools/run_matrix.py --max-epochs {n} '
            f'--work-root {osp.normpath(work_root)}-cap{n} --blocks '
            f'{names[0]} --rows {names[1]} --columns {names[2]}{trunk} '
            '--out … --fig-dir …`')


def _summary(claim: Claim, failing: Sequence[Comparison],
             results: Results) -> str:
    """What the measurements below show, in one clause."""
    parts = [f'{label}: ' + ', '.join(
        f'{c.row} − {c.base}, {c.column} {_delta(c, results)}'
        for c in comps) for label, comps in EXTRAS.get(claim.paper, ())]
    parts += [f'{c.row} − {c.base}, {c.column}, few-group delta '
              f'{_group_delta(c, "few", results)}' for c in failing
              if _long_tail(c)]
    return '; '.join(parts) or 'see the measurements below'


def cause(claim: Claim, results: Results, checks: Dict[int, Results],
          cap: int, work_root: str, skipped: Dict[Key, str]) -> str:
    """The ``Cause: …`` line of ``claim`` (``checks``: N -> results of the
    schedule check capped at N epochs)."""
    if verdict(claim, results, skipped)[0] == 'holds':
        return f'Cause: none: the claim holds at {cap} epochs (matrix cap).'
    failing = [c for c in claim.comparisons if fails(c.delta(results))]
    if not failing:
        return ('Cause: not diagnosed: the claim is not tested yet (a cell '
                'has fewer than 2 finished seeds).')
    bench = benchmark_cause(claim, failing, results)
    if bench:
        return bench
    text = _schedule_cause(claim, failing, results, checks, cap, work_root)
    excluded = benchmark_excluded(claim, failing, results)
    return (f'Cause: {excluded}; ' + text[len('Cause: '):] if excluded
            else text)


def _schedule_cause(claim: Claim, failing: Sequence[Comparison],
                    results: Results, checks: Dict[int, Results], cap: int,
                    work_root: str) -> str:
    """The schedule part of :func:`cause` (``Cause: …``)."""
    def caveat(n: int) -> str:
        return trunk_caveat(claim.comparisons, checks[n], results)

    longer = {c: [(n, c.delta(res)) for n, res in checks.items()
                  if c.delta(res) is not None] for c in failing}
    for comp, found in longer.items():
        # at a floor it shows no difference between the methods
        if (found and all(d.value <= 0 for _, d in found)
                and not at_floor(comp, checks[found[-1][0]])):
            n = found[-1][0]
            return (f'Cause: not the schedule: {comp.text()} is still '
                    f'{_delta(comp, checks[n])} at {n} epochs against '
                    f'{_delta(comp, results)} at {cap}{caveat(n)}; measured '
                    f'below: {_summary(claim, failing, results)}.')
    unchecked = [c for c, found in longer.items() if not found]
    if unchecked:
        return ('Cause: schedule not checked (run '
                f'{_check_command(unchecked, work_root, cap)}).')
    for n, res in checks.items():
        if any(c.delta(res) is None for c in failing):
            continue
        # the whole claim at N: a comparison that passed at the cap may
        # fall at N (then the schedule does not explain the claim)
        fallen, floors = non_positive(claim.comparisons, res)
        if fallen:
            return (f'Cause: not the schedule: at {n} epochs '
                    f'{fallen[0].text()} is {_delta(fallen[0], res)} '
                    f'(at {cap}: {_delta(fallen[0], results)}){caveat(n)}; '
                    f'measured below: {_summary(claim, failing, results)}.')
        seeds = ', '.join(map(str, sorted({
            r['seed'] for key in _cells(claim.comparisons)
            for r in res.get(key, []) if 'seed' in r})))
        where = ('on a shot group both methods almost never predict: '
                 + '; '.join(floors))
        if floors and not any(c.delta(res).value > 0 for c in failing):
            return (f'Cause: a floor (at {n} epochs, seed(s) {seeds}, no '
                    'failing comparison turns positive; they sit at a '
                    f'floor, {where}){caveat(n)}.')
        if floors:
            return (f'Cause: the schedule, and a floor (at {n} epochs, '
                    f'seed(s) {seeds}, every comparison checked there is '
                    f'positive but those at a floor, {where}){caveat(n)}.')
        return (f'Cause: the schedule (at {n} epochs, seed(s) {seeds}, '
                'every comparison checked there is positive)'
                f'{caveat(n)}.')
    return ('Cause: not diagnosed: no single schedule check covers every '
            'failing comparison.')


def _moved(claim: Claim, comps: Sequence[Comparison]) -> List[Comparison]:
    """``comps`` moved to their diagnosis column of
    :data:`BENCHMARK_CHECKS` (those with one), each once."""
    columns = BENCHMARK_CHECKS.get(claim.paper, ({}, ''))[0]
    return list(dict.fromkeys(replace(c, column=columns[c.column])
                              for c in comps if c.column in columns))


def benchmark_cause(claim: Claim, failing: Sequence[Comparison],
                    results: Results) -> str:
    """``Cause: the benchmark …`` when every failing comparison holds (both
    cells >= 2 seeds, positive beyond the seed std) in the claim's other
    column of :data:`BENCHMARK_CHECKS` and no other comparison of the claim
    fails there, else ''."""
    moved = _moved(claim, failing)
    found = [c.delta(results) for c in moved]
    if not moved or any(d is None or d.n < 2 or fails(d) for d in found):
        return ''
    # a comparison that held may fall there: then the claim fails under
    # both benchmarks, and the benchmark does not explain it
    if any(fails(c.delta(results))
           for c in _moved(claim, claim.comparisons)):
        return ''
    what = BENCHMARK_CHECKS[claim.paper][1]
    others = ', '.join(dict.fromkeys(c.column for c in moved))
    return (f'Cause: the benchmark: with {what} ({others}) every failing '
            'comparison holds: ' + '; '.join(
                f'{c.text()} {_delta(c, results)}' for c in moved) + '.')


def benchmark_excluded(claim: Claim, failing: Sequence[Comparison],
                       results: Results) -> str:
    """``not the benchmark variant: …`` when a failing comparison, moved
    to its column of :data:`BENCHMARK_CHECKS`, is tested there (both cells
    >= 2 seeds) and fails too, else ''."""
    for moved in _moved(claim, failing):
        if fails(moved.delta(results)):
            return (f'not the benchmark variant '
                    f'({BENCHMARK_CHECKS[claim.paper][1]}): {moved.text()} '
                    f'is {_delta(moved, results)} too')
    return ''


def schedule_lines(claim: Claim, results: Results,
                   checks: Dict[int, Results], cap: int) -> List[str]:
    """Epochs of the claim's cells, and its deltas at the longer caps."""
    texts = [f'{key[1]} / {key[2]} ' + (
        epochs(results[key], cap) or 'no epochs recorded'
        if results.get(key) else 'missing cell')
        for key in _cells(claim.comparisons)]
    lines = [f'- Schedule (matrix cap {cap} epochs; epochs trained (best-on-'
             'val epoch), mean over seeds; * = a seed\'s best epoch is the '
             'cap, still improving when the cosine ended; '
             f'{sum(t.endswith("*") for t in texts)} of {len(texts)} cells '
             '*): ' + '; '.join(texts) + '.']
    for n, res in checks.items():
        both = [c for c in claim.comparisons if c.delta(res) is not None]
        if both:
            lines += [f'- Schedule check at {n} epochs'
                      f'{trunk_note(both, res, results)}:'
                      ] + [
                f'  - {c.text()}: {_delta(c, res)} at {n} epochs, '
                f'{_delta(c, results)} at {cap}' for c in both]
    if len(lines) == 1:
        lines.append('- Schedule check: none ran for this claim\'s cells.')
    return lines


def group_lines(claim: Claim, results: Results) -> List[str]:
    """Per long-tail comparison: the deltas on many / medium / few."""
    comps = list({(c.block, c.row, c.base, c.column): c
                  for c in claim.comparisons if _long_tail(c)}.values())
    if not comps:
        return []
    return [f'- Per-group {_block(comps[0].block).metric} (row − base, '
            'both means):'] + [
        f'  - {c.row} − {c.base}, {c.column}: ' + ', '.join(
            f'{g} {_group_delta(c, g, results)}' for g in GROUPS)
        for c in comps]


def correction_lines(claim: Claim, results: Results) -> List[str]:
    """Last-epoch correction scalars of the claim's correcting rows."""
    lines = []
    for key in _cells(claim.comparisons):
        row = next(r for r in _block(key[0]).rows if r.name == key[1])
        if not row.correction_keys:
            continue
        values, read = last_values(results.get(key, []),
                                   row.correction_keys)
        text = ', '.join(f'{k} {v:.3f}' for k, v in values.items())
        lines.append(f'  - {key[1]} / {key[2]}: ' + (
            'missing cell' if key not in results else
            f'{text} (n={read})' if values else
            'no correction scalars logged'))
    return (['- Corrections vs the clean labels (last epoch, mean over '
             'seeds):'] + lines) if lines else []


def diagnoses_section(results: Results, checks: Dict[int, Results],
                      cap: int, work_root: str,
                      skipped: Dict[Key, str]) -> List[str]:
    """The ``## Diagnoses`` section: one subsection per claim (``checks``:
    see :func:`cause`; ``skipped``: cells that cannot run -> why)."""
    lines = ['## Diagnoses', '',
             'Per claim, from the same runs: the cause of a claim that does '
             'not hold, then the measurements. The cause is the benchmark '
             'when every failing comparison holds, and none of the others '
             'fails, on the claim\'s diagnosis column (the same comparison '
             'on another DigitMosaic variant); else a schedule check reruns '
             'cells with a longer cap N under '
             f'`{osp.normpath(work_root)}-cap<N>`, and the cause is the '
             'schedule when every failing comparison, and every other one '
             'checked there, is positive. In a schedule check, a comparison '
             '"above all on a shot group" where both methods stay below '
             f'{FLOOR_TOP1:.0f} % top-1 on that group in every seed sits at '
             'a floor (neither predicts the group but for a handful of '
             'images): it is named, and not counted against the '
             'schedule.', '']
    for claim in CLAIMS:
        lines += [f'### {claim.paper}', '', '- ' + cause(
            claim, results, checks, cap, work_root, skipped)] + \
            schedule_lines(claim, results, checks, cap) + \
            group_lines(claim, results) + correction_lines(claim, results)
        lines += [line for label, comps in EXTRAS.get(claim.paper, ())
                  for line in [f'- {label}:'] + [
                      f'  - {c.text()}: {_delta(c, results)}'
                      for c in comps]]
        lines += [line(results, checks)
                  for line in EXTRA_LINES.get(claim.paper, ())] + ['']
    return lines
