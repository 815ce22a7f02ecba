"""The structures of the matrix: a block of rows (methods) x columns
(imperfections) and its cells; :mod:`.definition` fills them in."""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Frozen:
    """A paper's pre-trained-trunk regime: the trunk starts from the clean
    pre-training and is frozen, partly frozen, or fine-tuned (``options``
    empty).

    Attributes:
        init_key (str): Dotted config key of the trunk's ``init_cfg``
            (set to the pre-trained checkpoint, prefix ``backbone.``).
        options (dict): Dotted config keys that freeze the trunk.
        text (str): What is frozen, for the table.
    """
    init_key: str
    options: Dict[str, object]
    text: str


@dataclass(frozen=True)
class Row:
    """One method of a block.

    Attributes:
        name (str): Row label in the tables.
        config (str): Base config (its variant is replaced per column).
        options (dict): Dotted config keys set on top of ``config``.
        frozen (Frozen, optional): The paper's frozen-trunk regime.
        skip (dict): Column -> why the method cannot run there.
        correction_keys (str): Regex of the training scalars (in
            ``vis_data/scalars.json``) that log the precision / recall of
            the method's label corrections against the clean labels
            ('' = the method corrects no labels).
        runner (str): ``'mmengine'`` (tools/train.py) or ``'plain_cnn'``
            (tools/analysis_tools/plain_cnn_baseline.py).
        ablation_of (str): For a claim's ablation, the full method's row
            (ablations run in their claim's columns only and get their own
            table).
        baseline (str): Row the deltas of this row are taken against
            ('' = the block's baseline); a frozen-trunk row names the BCE
            row of the same regime, so its delta measures the method, not
            the pre-trained trunk.
    """
    name: str
    config: str = ''
    options: Dict[str, object] = field(default_factory=dict)
    frozen: Optional[Frozen] = None
    skip: Dict[str, str] = field(default_factory=dict)
    correction_keys: str = ''
    runner: str = 'mmengine'
    ablation_of: str = ''
    baseline: str = ''


@dataclass(frozen=True)
class Column:
    """One imperfection: a DigitMosaic variant.

    Attributes:
        name (str): Column label.
        variant (str): DigitMosaic variant (``full``, ``pl``, …, ``pll``).
        long_tail (bool): Report many / medium / few and per-class AP.
        skip (str): Why no method can run here (a missing data build).
        rows (tuple): A diagnosis column runs only these rows (empty:
            every row); the others skip it with ``why``.
        why (str): Why the other rows skip a diagnosis column.
    """
    name: str
    variant: str
    long_tail: bool = False
    skip: str = ''
    rows: Tuple[str, ...] = ()
    why: str = ''


@dataclass(frozen=True)
class Block:
    """Rows x columns on one geometry.

    Attributes:
        name (str): ``multilabel``, ``pll`` or ``shifted``.
        geometry (str, optional): DigitMosaic geometry of every cell.
        metric (str): Metric name (without prefix) of model selection,
            early stopping and the tables.
        rows, columns: The methods and the imperfections.
        baseline (str): Row the deltas are taken against ('' = none).
    """
    name: str
    geometry: Optional[str]
    metric: str
    rows: Tuple[Row, ...]
    columns: Tuple[Column, ...]
    baseline: str = ''


@dataclass(frozen=True)
class Cell:
    """One (block, row, column); ``skip`` is set when it cannot run."""
    block: Block
    row: Row
    column: Column
    skip: str = ''

    @property
    def key(self) -> str:
        """Folder name under the work root: ``<block>/<row>/<column>``."""
        slug = re.sub(r'[^a-z0-9]+', '-', self.row.name.lower()).strip('-')
        return f'{self.block.name}/{slug}/{self.column.name}'


def baseline_of(block: Block, row: Row) -> str:
    """The row the deltas of ``row`` are taken against in ``block`` ('' =
    none: the block has no baseline, or ``row`` is it)."""
    base = row.baseline or block.baseline
    return '' if base == row.name else base


def cells(block: Block) -> List[Cell]:
    """The block's cells, row-major; cells that cannot run carry why."""
    return [Cell(block, row, column, column.skip or row.skip.get(
        column.name, '') or (column.why if column.rows and row.name not in
                             column.rows else ''))
            for row in block.rows for column in block.columns]
