"""A grid of images, each with lines of coloured class labels below it.

Used by ``tools/analysis_tools/browse_dataset.py`` (observed labels, missing
and spurious positives against the clean labels, PLL candidate sets) and
reusable by any tool that shows samples with labels (e.g. a contact sheet
of label issues): build one :class:`GridCell` per image, then call
:func:`draw_label_grid`.
"""
import textwrap
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Colours of the label kinds (Okabe-Ito palette, colour-blind safe); each
#: kind is also named at the start of its line, so no colour is needed to
#: read the figure.
KIND_COLOURS: Dict[str, str] = {
    'label': '#000000',       # observed positive that is clean (or no clean)
    'missing': '#0072B2',     # clean positive not observed (blue)
    'spurious': '#D55E00',    # observed positive that is not clean (orange)
    'candidates': '#CC79A7',  # PLL candidate set (purple)
    'true': '#009E73',        # true label of a PLL sample (green)
}
#: Legend text of each kind.
KIND_LEGEND: Dict[str, str] = {
    'label': 'label: observed positive',
    'missing': 'missing: clean positive not observed',
    'spurious': 'spurious: observed positive not clean',
    'candidates': 'candidates: PLL candidate set',
    'true': 'true: the true label (where known)',
}


@dataclass
class LabelLine:
    """One line of text under an image.

    Args:
        kind (str): A key of :data:`KIND_COLOURS` (its colour and prefix).
        names (list[str]): Class names shown on the line.
    """
    kind: str
    names: List[str]


@dataclass
class GridCell:
    """One image of the grid.

    Args:
        image (np.ndarray): (H, W) or (H, W, 3) uint8, RGB.
        title (str): Shown above the image (e.g. the sample index).
        lines (list[LabelLine]): Shown below the image, in order.
    """
    image: np.ndarray
    title: str
    lines: List[LabelLine] = field(default_factory=list)


def _line_rows(line: LabelLine, max_chars: int,
               max_rows: int = 3) -> List[str]:
    """The text of a line wrapped to ``max_chars`` per row, at most
    ``max_rows`` rows (the last one ends with an ellipsis if cut)."""
    text = f'{line.kind}: ' + (', '.join(line.names) if line.names else '–')
    rows = textwrap.wrap(text, max_chars, subsequent_indent='  ') or ['']
    if len(rows) > max_rows:
        rows = rows[:max_rows]
        rows[-1] = rows[-1][:max_chars - 1] + '…'
    return rows


def draw_label_grid(cells: Sequence[GridCell], out_file: str,
                    ncols: int = 8, title: Optional[str] = None,
                    cell_inches: Tuple[float, float] = (1.6, 1.6),
                    dpi: int = 100) -> str:
    """Draw ``cells`` in rows of ``ncols`` and save the figure.

    Each cell is the image (nearest-neighbour upscaling, so small images stay
    sharp), its title above and the text of each :class:`LabelLine` below
    (wrapped, at most 3 rows), coloured by kind. A legend of the kinds used
    is drawn at the bottom.

    Args:
        cells (Sequence[GridCell]): The images and their labels.
        out_file (str): ``.png`` / ``.pdf`` / ``.svg`` path.
        ncols (int): Images per row.
        title (str, optional): Figure title.
        cell_inches (tuple): (width, height) of an image in inches.
        dpi (int): Resolution of raster outputs.

    Returns:
        str: ``out_file``.
    """
    if not cells:
        raise ValueError('draw_label_grid: no images to draw')
    unknown = {ln.kind for c in cells for ln in c.lines} - set(KIND_COLOURS)
    if unknown:
        raise ValueError(f'draw_label_grid: unknown label kinds '
                         f'{sorted(unknown)}; known: {sorted(KIND_COLOURS)}')
    ncols = max(1, min(ncols, len(cells)))
    nrows = -(-len(cells) // ncols)
    max_chars = int(cell_inches[0] * 15)
    texts = [[(line.kind, row) for line in c.lines
              for row in _line_rows(line, max_chars)] for c in cells]
    max_lines = max(len(t) for t in texts)
    used = [k for k in KIND_COLOURS
            if any(ln.kind == k for c in cells for ln in c.lines)]
    width, height = cell_inches
    fig_w = width * ncols + 0.2
    legend_cols = max(1, min(len(used), int(fig_w // 3.3)))
    legend_inches = 0.1 + 0.22 * -(-len(used) // legend_cols)
    line_inches = 0.17
    row_inches = height + 0.25 + line_inches * max_lines
    title_inches = 0.35 if title else 0.05
    fig_h = row_inches * nrows + legend_inches + title_inches
    fig = plt.figure(figsize=(fig_w, fig_h), dpi=dpi)
    top = fig_h - title_inches
    for i, cell in enumerate(cells):
        row, col = divmod(i, ncols)
        y0 = top - row * row_inches - 0.22 - height  # bottom of the image
        ax = fig.add_axes([(0.1 + col * width + 0.05) / fig_w, y0 / fig_h,
                           (width - 0.1) / fig_w, height / fig_h])
        image = cell.image
        ax.imshow(image, cmap='gray' if image.ndim == 2 else None,
                  interpolation='nearest', vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(cell.title, fontsize=8, pad=2)
        for k, (kind, text) in enumerate(texts[i]):
            ax.text(0.0, -0.04 - k * line_inches / height, text,
                    transform=ax.transAxes, ha='left', va='top', fontsize=7,
                    color=KIND_COLOURS[kind])
    if used:
        handles = [plt.Line2D([], [], color=KIND_COLOURS[k], marker='s',
                              markersize=8, linestyle='',
                              label=KIND_LEGEND[k]) for k in used]
        fig.legend(handles=handles, loc='lower center', ncol=legend_cols,
                   fontsize=8, frameon=False, borderaxespad=0.2)
    if title:
        fig.suptitle(title, fontsize=10, y=1 - 0.12 / fig_h, va='top')
    fig.savefig(out_file, dpi=dpi, bbox_inches='tight', pad_inches=0.1)
    plt.close(fig)
    return out_file
