"""Classification heads."""
from .additive_attention import AdditiveAttention
from .comic_head import ComicHead
from .mlc_linear_head import MLCLinearHead
from .norm_linear_cls_head import NormLinearClsHead
from .pll_linear_head import PLLLinearHead
from .solar_head import SoLarHead
from .ssgrl_head import SSGRLHead, cooccurrence_adjacency

__all__ = [
    'AdditiveAttention', 'ComicHead', 'cooccurrence_adjacency',
    'MLCLinearHead', 'NormLinearClsHead', 'PLLLinearHead', 'SoLarHead',
    'SSGRLHead'
]
