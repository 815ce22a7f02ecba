"""Markdown tables of the matrix: per block the metric with its delta vs the
baseline row, many / medium / few for the long-tail columns, epochs
trained, the ablations, and footnotes for the cells that cannot run and
the frozen-trunk regimes. Every number comes from the results."""
from typing import Dict, List, Optional

from .cell import Block, Cell, Column, Row, baseline_of, cells
from .stats import Results, delta, epochs, stat

GROUPS = ('many', 'medium', 'few')


class Footnotes:
    """Numbered footnotes, one per distinct text."""

    def __init__(self) -> None:
        self.texts: List[str] = []

    def mark(self, text: str) -> str:
        if text not in self.texts:
            self.texts.append(text)
        return f'[{self.texts.index(text) + 1}]'

    def lines(self) -> List[str]:
        return [f'[{i + 1}] {t}' for i, t in enumerate(self.texts)]


def row_label(row: Row, notes: Footnotes) -> str:
    """Row name; frozen-trunk rows carry their regime's footnote."""
    if row.frozen is None:
        return row.name
    reference = (f'; its delta is taken against "{row.baseline}"'
                 if row.baseline else '')
    return row.name + ' ' + notes.mark(
        'trunk pre-trained with clean labels (BCE) on the DigitMosaic '
        '`pretrain` build (other mosaics of train-pool source digits only, '
        'never an evaluated image or digit), then ' + row.frozen.text +
        reference + '; rows without this note train the whole network '
        'from scratch')


def _grid(header: List[str], body: List[List[str]]) -> List[str]:
    return (['| ' + ' | '.join(header) + ' |',
             '|' + '---|' * len(header)] +
            ['| ' + ' | '.join(r) + ' |' for r in body])


def _state(cell: Cell, results: Results, failures: Dict[str, str],
           notes: Footnotes) -> Optional[str]:
    """Text of a cell without numbers (cannot run, failed, not run)."""
    if cell.skip:
        return 'n/a ' + notes.mark(cell.skip)
    key = (cell.block.name, cell.row.name, cell.column.name)
    if results.get(key):
        return None
    if cell.key in failures:
        return 'failed ' + notes.mark(failures[cell.key])
    return 'not run'


def metric_table(block: Block, results: Results,
                 failures: Dict[str, str], notes: Footnotes,
                 rows: List[Row]) -> List[str]:
    """``mean ± std [delta vs baseline]`` of the block metric."""
    by_key = {(c.row.name, c.column.name): c for c in cells(block)}
    body = []
    for row in rows:
        line = [row_label(row, notes)]
        for column in block.columns:
            cell = by_key[(row.name, column.name)]
            state = _state(cell, results, failures, notes)
            if state is not None:
                line.append(state)
                continue
            runs = results[(block.name, row.name, column.name)]
            own = stat(runs, block.metric)
            text = own.text() if own else '–'
            if baseline_of(block, row):
                base = stat(results.get(
                    (block.name, baseline_of(block, row), column.name), []),
                    block.metric)
                d = delta(own, base)
                if d is not None:
                    text += f' [{d.value:+.1f}]'
            line.append(text)
        body.append(line)
    return _grid([f'method \\ {block.metric}'] +
                 [c.name for c in block.columns], body)


def group_table(block: Block, results: Results, rows: List[Row],
                notes: Footnotes) -> List[str]:
    """many / medium / few of the long-tail columns."""
    columns = [c for c in block.columns if c.long_tail and not c.skip]
    if not columns:
        return []
    header = ['method'] + [f'{c.name} {g}' for c in columns for g in GROUPS]
    body = []
    for row in rows:
        line = [row_label(row, notes)]
        for column in columns:
            runs = results.get((block.name, row.name, column.name), [])
            for group in GROUPS:
                s = stat(runs, f'{block.metric}_{group}')
                line.append(s.text() if s else '–')
        body.append(line)
    return _grid(header, body)


def epoch_table(block: Block, results: Results, rows: List[Row],
                notes: Footnotes, cap: int) -> List[str]:
    """Epochs trained (best-on-val epoch), means over seeds; ``cap``: the
    runs' epoch cap."""
    body = []
    for row in rows:
        line = [row_label(row, notes)]
        for column in block.columns:
            text = epochs(results.get((block.name, row.name, column.name),
                                      []), cap)
            line.append(text or '–')
        body.append(line)
    return _grid(['method'] + [c.name for c in block.columns], body)


def block_section(block: Block, results: Results,
                  failures: Dict[str, str], notes: Footnotes,
                  titles: Dict[str, str], cap: int) -> List[str]:
    """The markdown section of one block (``cap``: the runs' epoch cap)."""
    main = [r for r in block.rows if not r.ablation_of]
    ablations = [r for r in block.rows if r.ablation_of]
    geometry = block.geometry or 'default'
    out = [f'## {titles[block.name]}', '',
           f'Geometry `{geometry}`; test {block.metric} of the best-on-val '
           'checkpoint, mean ± population std over run seeds (data seed 0)'
           + (f'; [delta] vs {block.baseline} in the same column (a '
              'frozen-trunk row: vs BCE on the same frozen trunk, named in '
              'its footnote).' if block.baseline else '.'), '']
    out += metric_table(block, results, failures, notes, main)
    if any(c.long_tail for c in block.columns):
        out += ['', f'{block.metric} by shot group (long-tail columns):', '']
        out += group_table(block, results, main, notes)
    if ablations:
        out += ['', 'Ablations of the paper claims (their columns):', '']
        out += _ablation_table(block, results, failures, notes, ablations)
    out += ['', 'Epochs trained (best-on-val epoch), mean over seeds; * = '
            'a seed reached the cap with its best epoch last:', '']
    out += epoch_table(block, results, block.rows, notes, cap)
    return out + ['']


def _ablation_table(block: Block, results: Results,
                    failures: Dict[str, str], notes: Footnotes,
                    rows: List[Row]) -> List[str]:
    body = []
    for row, column in [(r, c) for r in rows for c in block.columns
                        if c.name not in r.skip]:
        cell = Cell(block, row, column)
        state = _state(cell, results, failures, notes)
        runs = results.get((block.name, row.name, column.name), [])
        own = stat(runs, block.metric)
        full = stat(results.get((block.name, row.ablation_of, column.name),
                                []), block.metric)
        d = delta(full, own)
        body.append([row.name, column.name,
                     state or (own.text() if own else '–'),
                     f'{d.value:+.1f}' if d else '–'])
    return _grid(['ablation', 'column', block.metric,
                  'full method minus ablation'], body)


def column_legend(columns: List[Column]) -> str:
    """Which DigitMosaic variant each column is."""
    return ', '.join(f'{c.name} = ' + ('no build' if c.skip else
                                       f'`{c.variant}`') for c in columns)
