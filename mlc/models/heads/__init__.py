"""Classification heads."""
from .mlc_linear_head import MLCLinearHead, stack_targets

__all__ = ['MLCLinearHead', 'stack_targets']
