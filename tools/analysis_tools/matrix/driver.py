"""Run the matrix (resumable) and write its markdown report and figures."""
import json
import os
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from mmengine.logging import print_log

from . import figures, records
from .cell import Block, Cell, cells
from .claims import claims_table
from .definition import OPTIM_WRAPPER, PRETRAIN, blocks
from .diagnoses import diagnoses_section, schedule_roots
from .runner import (
    Runner,
    cell_dir,
    convergence,
    default_runner,
    finished,
    pretrained_trunk,
    run_cell,
)
from .stats import Results
from .tables import Footnotes, block_section, column_legend
from .trunk import (
    trunk_dir,
    trunk_of,
    trunk_quality,
    trunk_record,
    trunk_usage,
)

TITLES = dict(multilabel='Multi-label: method x imperfection',
              pll='Partial-label learning (single-label)',
              shifted='Shifted geometry (clean / missing / PLT)')


def select(names: Sequence[str]) -> List[Block]:
    """The named blocks, in matrix order."""
    known = blocks()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f'unknown matrix block(s) {unknown}; known: '
                         f'{sorted(known)}')
    return [b for n, b in known.items() if n in names]


def todo(selected: List[Block], seeds: Sequence[int], work_root: str,
         rows: Sequence[str] = (), columns: Sequence[str] = (),
         rule: Optional[dict] = None) -> List[Tuple[Cell, int]]:
    """Runnable (cell, seed) pairs without a result finished under
    ``rule`` (default: the matrix rule), seed-major (a whole seed of the
    matrix before the next one); ``rows`` / ``columns``: only these
    (empty: all)."""
    rule = rule or convergence()
    return [(cell, seed) for seed in seeds
            for cell in runnable(selected, rows, columns)
            if finished(work_root, cell, seed, rule) is None]


def runnable(selected: List[Block], rows: Sequence[str] = (),
             columns: Sequence[str] = ()) -> List[Cell]:
    """The cells of ``selected`` that can run, in matrix order; ``rows`` /
    ``columns``: only these (empty: all)."""
    return [cell for block in selected for cell in cells(block)
            if not cell.skip and (not rows or cell.row.name in rows)
            and (not columns or cell.column.name in columns)]


def frozen_geometries(items: Iterable[Cell]) -> Set[str]:
    """The geometries ('' = default) of the frozen-trunk cells."""
    return {c.block.geometry or '' for c in items if c.row.frozen is not None}


def run_matrix(selected: List[Block], seeds: Sequence[int], work_root: str,
               jobs: int = 1, runner: Optional[Runner] = None,
               smoke: int = 0, rows: Sequence[str] = (),
               columns: Sequence[str] = (),
               max_epochs: Optional[int] = None,
               record_file: Optional[str] = None,
               optim_wrapper: str = OPTIM_WRAPPER,
               trunk_root: Optional[str] = None,
               rerun_other_trunk: bool = False) -> Dict[str, str]:
    """Run every unfinished (cell, seed), ``jobs`` at a time (``smoke``,
    ``max_epochs``, ``optim_wrapper``, ``trunk_root``: see
    :func:`.runner.default_runner`; ``rows`` / ``columns``: see
    :func:`todo`), each finished run saved to
    ``record_file`` (:mod:`.records`) as soon as it ends.

    With the real runner the frozen trunks are pre-trained first (once per
    geometry), so parallel cells never race for them. ``rerun_other_trunk``
    (real runner only): a finished frozen-trunk run that started from
    another trunk than the one its geometry has now (a trunk pre-trained
    again, e.g. on another machine) is unfinished: it trains again.

    Returns:
        dict: cell key -> error of the runs that failed this time.
    """
    rule = convergence(smoke, max_epochs, optim_wrapper)
    if runner is None:
        root, trunk_epochs = trunk_of(work_root, trunk_root, max_epochs)

        ready: Set[str] = set()

        def pretrain(geometries: Set[str]) -> None:
            for geometry in sorted(geometries - ready):
                pretrained_trunk(root, geometry or None, smoke,
                                 trunk_epochs, optim_wrapper)
                # in the record file of the root it was trained in
                if record_file:
                    records.save(records.record_file(
                        osp.dirname(record_file), root), root,
                        [trunk_dir(root, geometry or None)])
                ready.add(geometry)

        if rerun_other_trunk:
            frozen = frozen_geometries(runnable(selected, rows, columns))
            pretrain(frozen)
            rule = dict(rule, trunks={
                g: trunk_record(root, g or None) for g in frozen})
    pending = todo(selected, seeds, work_root, rows, columns, rule)
    if runner is None:
        prebuild(pending)
        pretrain(frozen_geometries(c for c, _ in pending))
        runner = default_runner(work_root, smoke, max_epochs, optim_wrapper,
                                trunk_root)
    failures: Dict[str, str] = {}

    def one(item: Tuple[Cell, int]) -> None:
        cell, seed = item
        print_log(f'[matrix] {cell.key} seed {seed}', logger='current')
        result = run_cell(cell, seed, work_root, runner, rule)
        if record_file and 'error' not in result:
            records.save(record_file, work_root,
                         [cell_dir(work_root, cell, seed)])
        if 'error' in result:
            failures[cell.key] = result['error']
            print_log(f'[matrix] {cell.key} seed {seed} failed: '
                      f'{result["error"]}', logger='current')

    if jobs > 1:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, pending))
    else:
        for item in pending:
            one(item)
    return failures


def prebuild(pending: List[Tuple[Cell, int]]) -> None:
    """Build the DigitMosaic data of the pending cells one by one before
    any run (parallel runs must not build the same folder at once)."""
    from mlc.datasets.digitmosaic import prepare_digitmosaic
    from .runner import run_seeds
    root = osp.join(run_seeds.ROOT, 'data/digitmosaic')
    for variant, geometry in sorted({
            (c.column.variant, c.block.geometry or '') for c, _ in pending}):
        prepare_digitmosaic(root, variant, geometry=geometry or None)


def report_data(selected: List[Block]) -> None:
    """Build what the report reads besides the runs, which a checkout
    whose runs were all restored from records never built: the data of
    every runnable cell (the long-tail columns' training frequencies, the
    evaluated splits' source digits) and the trunks' pre-training data."""
    from mlc.datasets.digitmosaic import prepare_digitmosaic
    from .runner import run_seeds
    prebuild([(cell, 0) for cell in runnable(selected)])
    for block in selected:
        if any(row.frozen is not None for row in block.rows):
            prepare_digitmosaic(
                osp.join(run_seeds.ROOT, PRETRAIN['data_root']),
                PRETRAIN['variant'], seed=PRETRAIN['data_seed'],
                geometry=block.geometry)


def skipped(all_blocks) -> Dict[Tuple[str, str, str], str]:
    """(block, row, column) -> why, of every cell that cannot run."""
    return {(c.block.name, c.row.name, c.column.name): c.skip
            for block in all_blocks for c in cells(block) if c.skip}


def collect(selected: List[Block], seeds: Sequence[int], work_root: str,
            rule: Optional[dict] = None) -> Results:
    """(block, row, column) -> results of the requested seeds finished
    under ``rule`` (default: the matrix rule)."""
    rule = rule or convergence()
    results: Results = {}
    for block in selected:
        for cell in cells(block):
            runs = [r for r in (finished(work_root, cell, s, rule)
                                for s in seeds) if r is not None]
            if runs:
                results[(block.name, cell.row.name, cell.column.name)] = runs
    return results


def cost_lines(selected: List[Block], seeds: Sequence[int],
               results: Results) -> List[str]:
    """Per block and seed: finished / runnable cells, the sum of the
    cells' wall times, and the elapsed time from the first start to the
    last finish (the seed's wall time when it ran in one sitting; with
    ``--jobs 2`` it is below the sum)."""
    lines = ['| block | seed | cells finished | runnable | sum of cell wall '
             'times (h) | first start to last finish (h) |',
             '|---|---|---|---|---|---|']
    for block in selected:
        can_run = runnable([block])
        for seed in seeds:
            done = [r for c in can_run for r in results.get(
                (block.name, c.row.name, c.column.name), [])
                    if r.get('seed') == seed]
            secs = sum(r.get('seconds', 0) for r in done)
            starts = [r['started'] for r in done if 'started' in r]
            ends = [r['finished'] for r in done if 'finished' in r]
            elapsed = (f'{(max(ends) - min(starts)) / 3600:.2f}'
                       if starts and ends else '–')
            lines.append(f'| {block.name} | {seed} | {len(done)} | '
                         f'{len(can_run)} | {secs / 3600:.2f} | '
                         f'{elapsed} |')
    return lines


def precision_sentence(optim_wrapper: str) -> str:
    """The report's sentence on the training precision."""
    if optim_wrapper == 'OptimWrapper':
        return 'Every run trains in float32 (`OptimWrapper`).'
    return ('Training steps (the plain CNN\'s aside) run under bfloat16 '
            f'autocast (`{optim_wrapper}`), validation and test in float32.')


def report(selected: List[Block], seeds: Sequence[int], work_root: str,
           fig_dir: str, out: str,
           failures: Optional[Dict[str, str]] = None,
           max_epochs: Optional[int] = None, command: str = '',
           smoke: int = 0, optim_wrapper: str = OPTIM_WRAPPER,
           trunk_root: Optional[str] = None) -> str:
    """Write the markdown report (and the figures) from the finished runs
    (trained with the cap ``max_epochs``, default :data:`CONVERGENCE`'s, or
    under the smoke rule when ``smoke``, with ``optim_wrapper``, their
    frozen trunks from ``trunk_root`` (:func:`.runner.trunk_of`);
    ``command``: what produced them, default ``make matrix``); returns its
    text."""
    conv = convergence(smoke, max_epochs, optim_wrapper)
    results = collect(selected, seeds, work_root, conv)
    notes = Footnotes()
    lines = [
        '# DigitMosaic evidence matrix', '',
        'Generated by `' + (command or 'make matrix') + '` '
        '(`tools/analysis_tools/run_matrix.py`) from the runs under `'
        + work_root + '`; no number here is typed by hand. Rerunning the '
        'command reuses finished runs.', '',
        f'Run seeds {list(seeds)}. Every cell validates each epoch and '
        f'stops once val {"/".join(sorted({b.metric for b in selected}))} '
        f'has not improved by {conv["min_delta"]} for {conv["patience"]} '
        f'epochs, never before epoch {conv["min_epochs"]} (at most '
        f'{conv["max_epochs"]}; cosine schedules end at '
        'that cap, and SoLar\'s stage 1 keeps its share of the recipe\'s '
        'epochs); the best-on-val checkpoint is tested, on the model\'s '
        'own output (a two-branch model\'s fused scores; its branches '
        'appear in the diagnoses). Each row keeps '
        'one recipe (its base config) in every column; the column only '
        'changes the DigitMosaic variant. ' + precision_sentence(
            optim_wrapper), '']
    for block in selected:
        lines += ['- columns of ' + block.name + ': ' +
                  column_legend(list(block.columns)) + '.']
    lines.append('')
    for block in selected:
        lines += block_section(block, results, failures or {}, notes,
                               TITLES, conv['max_epochs'])
    cannot_run = skipped(blocks().values())
    lines += ['## Paper claims', '',
              'Verdict from the cells above: a claim holds when every '
              'listed delta is positive and larger than the seed std (the '
              'larger population std of the two cells, >= 2 seeds each).',
              ''] + claims_table(results, cannot_run) + ['']
    if max_epochs is None:  # a schedule check's page is read by the matrix
        checks = {n: collect(selected, seeds, root, convergence(0, n))
                  for n, root in
                  schedule_roots(work_root, conv['max_epochs']).items()}
        lines += diagnoses_section(results, checks, conv['max_epochs'],
                                   work_root, cannot_run)
    figs = draw(selected, results, fig_dir)
    rel = osp.relpath(fig_dir, osp.dirname(osp.abspath(out)))
    lines += ['## Figures', ''] + [
        f'- [{name}]({rel}/{name})' for name in figs] + ['']
    lines += ['## Cost', ''] + cost_lines(selected, seeds, results) + ['']
    root, trunk_epochs = trunk_of(work_root, trunk_root, max_epochs)
    rule_text = ("the cells' stopping rule and cap" if root == work_root
                 else f"the matrix's stopping rule and cap, in `{root}`")
    lines += [f'Frozen trunks: `{PRETRAIN["config"]}` on variant '
              f'`{PRETRAIN["variant"]}` of data seed {PRETRAIN["data_seed"]}'
              f' in the block\'s geometry, under {rule_text}, run '
              f'seed {PRETRAIN["seed"]}, shared by the run seeds (a trunk '
              'whose checkpoint is missing, e.g. on a fresh machine, is '
              'pre-trained again; on another machine it is not always '
              'bit-identical, so the seeds may differ by their trunk too: '
              'each frozen-trunk run records its trunk, listed below, and '
              '`--rerun-other-trunk` trains the runs of another trunk '
              'again). Their '
              'features are not cached: every recipe augments its training '
              'images (a new random crop each epoch; docs/benchmarks.md, '
              '"Evidence matrix").']
    trunk_cap = convergence(smoke, trunk_epochs, optim_wrapper)['max_epochs']
    frozen = [b for b in selected if any(r.frozen for r in b.rows)]
    lines += ([source_overlap(b) for b in frozen] +
              [trunk_quality(root, b, trunk_cap) for b in frozen] +
              [trunk_usage(results, b) for b in frozen] + [''])
    lines += ['## Notes', ''] + [f'- {n}' for n in notes.lines()] + ['']
    text = '\n'.join(lines)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w') as f:
        f.write(text)
    return text


def source_overlap(block: Block) -> str:
    """How many source digits of the evaluated splits (val + test of the
    block's data seed 0 builds) the pre-training build used (any of its
    pools), from the builds' ``meta.json``."""
    from mlc.datasets.digitmosaic.generator import variant_folder
    from .runner import run_seeds

    def pools(root: str, variant: str) -> Optional[dict]:
        path = osp.join(variant_folder(osp.join(run_seeds.ROOT, root),
                                       variant, block.geometry),
                        'meta.json')
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)['source']['pools']

    seen = pools(PRETRAIN['data_root'], PRETRAIN['variant'])
    evaluated = [p for p in (pools('data/digitmosaic', c.variant)
                             for c in block.columns) if p]
    if seen is None or not evaluated:
        return (f'- {block.name}: source-digit overlap unknown (builds '
                'missing).')
    trunk = set().union(*seen.values())
    target = set(evaluated[0]['val']) | set(evaluated[0]['test'])
    return (f'- {block.name}: the pre-training used {len(trunk & target)} '
            f'of the {len(target)} source digits of the evaluated val/test '
            'splits (its build draws only from the train-pool digits of '
            'the evaluated data seed).')


def draw(selected: List[Block], results: Results,
         fig_dir: str) -> List[str]:
    """Every figure the results allow; returns their file names."""
    from mlc.datasets.digitmosaic.generator import variant_folder
    from .runner import run_seeds
    paths = []
    for block in selected:
        paths.append(figures.heatmap(block, results, fig_dir))
        for column in block.columns:
            folder = variant_folder(osp.join(run_seeds.ROOT,
                                             'data/digitmosaic'),
                                    column.variant, block.geometry)
            if column.long_tail and osp.isfile(osp.join(folder,
                                                        'train.json')):
                paths.append(figures.per_class_plot(
                    block, column.name, figures.train_frequency(folder),
                    results, fig_dir))
        for row in block.rows:
            if row.correction_keys:
                paths.append(figures.correction_plot(block, row, results,
                                                     fig_dir))
    return [osp.basename(p) for p in paths if p]
