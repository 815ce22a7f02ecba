"""DigitMosaic: the embedded CPU benchmark (docs/datasets.md)."""
from .dataset import DigitMosaic, prepare_digitmosaic
from .generator import CLASS_SPLIT, VARIANTS, build_digitmosaic
from .geometry import GEOMETRIES, Geometry

__all__ = ['CLASS_SPLIT', 'GEOMETRIES', 'VARIANTS', 'DigitMosaic',
           'Geometry', 'build_digitmosaic', 'prepare_digitmosaic']
