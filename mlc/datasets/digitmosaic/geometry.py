"""DigitMosaic geometry: canvas, grid, digit scale, empty cells, image size.

A mosaic is a ``canvas`` x ``canvas`` grid (source pixels: a scikit-learn
digit is 8 x 8) of ``rows`` x ``cols`` cells. Each filled cell holds one
digit of side ``round(s * min(cell height, cell width))``, s uniform in
``scale``, at a uniform integer offset inside the cell; each cell left over
after placing the label set holds a duplicate with probability ``dup_prob``
(else stays empty). The canvas is then resized to ``img_size`` pixels.

The default geometry is the original benchmark (16 px canvas, 2 x 2 cells of
8 px filled edge to edge, ``dup_prob`` 0.5, 32 px): its builds record no
geometry and keep their folder ``<root>/<variant>``. Any other geometry is
recorded in ``meta.json`` and built into ``<root>/<tag>/<variant>`` (the
preset name, or ``geom-<hash>`` for unnamed knobs), so builds of different
geometries never share a folder.
"""
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from typing import Dict, Optional, Tuple, Union

#: side of a scikit-learn digit in source pixels
DIGIT = 8
#: most labels of a mosaic (every one needs its own cell)
MAX_SET = 4


@dataclass(frozen=True)
class Geometry:
    """Layout knobs of the multi-label mosaics.

    Args:
        canvas (int): Side of the mosaic in source pixels (before the resize
            to ``img_size``).
        grid (tuple): ``(rows, cols)``; both must divide ``canvas`` and the
            grid needs at least 4 cells.
        scale (tuple): ``(a, b)``, 0 < a <= b <= 1: digit side as a fraction
            of the cell side (a = b = 1: the digit fills its cell).
        dup_prob (float): Probability that a cell not holding one of the
            label set's digits holds a duplicate (else it is empty).
        img_size (int): Side of the written images in pixels.
    """
    canvas: int = 2 * DIGIT
    grid: Tuple[int, int] = (2, 2)
    scale: Tuple[float, float] = (1.0, 1.0)
    dup_prob: float = 0.5
    img_size: int = 32

    def __post_init__(self) -> None:
        grid_ok = (len(self.grid) == 2
                   and all(isinstance(v, int) and v > 0 for v in self.grid))
        rows, cols = self.grid if grid_ok else (1, 1)
        checks = (
            ('canvas', self.canvas, isinstance(self.canvas, int)
             and self.canvas > 0),
            ('grid', self.grid, grid_ok and isinstance(self.canvas, int)
             and self.canvas % rows == 0 and self.canvas % cols == 0
             and rows * cols >= MAX_SET),
            ('scale', self.scale, len(self.scale) == 2
             and 0 < self.scale[0] <= self.scale[1] <= 1),
            ('dup_prob', self.dup_prob, 0 <= self.dup_prob <= 1),
            ('img_size', self.img_size, isinstance(self.img_size, int)
             and self.img_size > 0),
        )
        for key, value, ok in checks:
            if not ok:
                raise ValueError(
                    f'DigitMosaic geometry: invalid {key}={value!r} (canvas '
                    f'a positive int divisible by both grid sides, at least '
                    f'{MAX_SET} cells, 0 < scale a <= b <= 1, 0 <= dup_prob '
                    '<= 1, img_size a positive int)')

    @property
    def cell(self) -> Tuple[int, int]:
        """(height, width) of a cell in source pixels."""
        return self.canvas // self.grid[0], self.canvas // self.grid[1]

    @property
    def num_cells(self) -> int:
        return self.grid[0] * self.grid[1]

    def layout_params(self) -> dict:
        """The knobs that shape the mosaics (everything but ``img_size``)."""
        return dict(canvas=self.canvas, grid=list(self.grid),
                    scale=[float(v) for v in self.scale],
                    dup_prob=float(self.dup_prob))


DEFAULT = Geometry()

#: named geometries; ``hard`` is the evidence matrix's default, ``shifted``
#: differs from it in canvas, image size, digit scale and empty-cell rate
GEOMETRIES: Dict[str, Geometry] = {
    'default': DEFAULT,
    'hard': Geometry(canvas=24, grid=(3, 3), scale=(0.6, 1.0), dup_prob=0.3,
                     img_size=32),
    'shifted': Geometry(canvas=30, grid=(3, 3), scale=(0.6, 0.8),
                        dup_prob=0.1, img_size=64),
}


def resolve_geometry(geometry: Union[None, str, dict, Geometry] = None,
                     img_size: Optional[int] = None) -> Geometry:
    """The :class:`Geometry` of a build.

    Args:
        geometry: None (the default geometry), a name of
            :data:`GEOMETRIES`, a dict of :class:`Geometry` knobs (unset ones
            keep the default) or a :class:`Geometry`.
        img_size (int, optional): Overrides the geometry's ``img_size``.
    """
    if geometry is None:
        geom = DEFAULT
    elif isinstance(geometry, Geometry):
        geom = geometry
    elif isinstance(geometry, str):
        if geometry not in GEOMETRIES:
            raise KeyError(f'unknown DigitMosaic geometry {geometry!r}; '
                           f'known: {sorted(GEOMETRIES)}')
        geom = GEOMETRIES[geometry]
    elif isinstance(geometry, dict):
        unknown = set(geometry) - set(asdict(DEFAULT))
        if unknown:
            raise KeyError(f'unknown DigitMosaic geometry keys '
                           f'{sorted(unknown)}; known: '
                           f'{sorted(asdict(DEFAULT))}')
        knobs = dict(geometry)
        for key in ('grid', 'scale'):
            if key in knobs:
                if not isinstance(knobs[key], (list, tuple)):
                    raise ValueError(f'DigitMosaic geometry: {key} must be '
                                     f'a pair, got {knobs[key]!r}')
                knobs[key] = tuple(knobs[key])
        geom = Geometry(**knobs)
    else:
        raise TypeError('DigitMosaic geometry must be None, a name, a dict '
                        f'or a Geometry, got {type(geometry).__name__}')
    return geom if img_size is None else replace(geom, img_size=img_size)


def geometry_tag(geom: Geometry) -> Optional[str]:
    """Folder of a geometry's builds under the root: None for the default
    layout, the preset name, else ``geom-<8 hex digits>`` of its knobs."""
    layout = geom.layout_params()
    if layout == DEFAULT.layout_params():
        return None
    for name, preset in GEOMETRIES.items():
        if preset.layout_params() == layout:
            return name
    blob = json.dumps(layout, sort_keys=True).encode()
    return 'geom-' + hashlib.sha1(blob).hexdigest()[:8]
