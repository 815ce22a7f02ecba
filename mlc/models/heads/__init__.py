"""Classification heads."""
from .mlc_linear_head import MLCLinearHead, stack_targets

__all__ = ['MLCLinearHead', 'stack_targets']
from .ssgrl_head import SSGRLHead, cooccurrence_adjacency  # noqa: E402
__all__ += ['SSGRLHead', 'cooccurrence_adjacency']
from .norm_linear_cls_head import NormLinearClsHead  # noqa: E402
from .additive_attention import AdditiveAttention  # noqa: E402
from .comic_head import ComicHead  # noqa: E402
__all__ += ['NormLinearClsHead', 'AdditiveAttention', 'ComicHead']
from .pll_linear_head import PLLLinearHead  # noqa: E402
from .solar_head import SoLarHead  # noqa: E402
__all__ += ['PLLLinearHead', 'SoLarHead']
