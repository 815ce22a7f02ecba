"""DigitMosaic: the embedded CPU benchmark (benchmarks.md §7)."""
from .dataset import DigitMosaic, prepare_digitmosaic
from .generator import CLASS_SPLIT, VARIANTS, build_digitmosaic

__all__ = ['CLASS_SPLIT', 'VARIANTS', 'DigitMosaic', 'build_digitmosaic',
           'prepare_digitmosaic']
