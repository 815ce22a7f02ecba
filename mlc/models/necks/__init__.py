"""Necks."""
from .comic_feat_neck import ComicFeatNeck

__all__ = ['ComicFeatNeck']
from .pfc_stitch_neck import PFCStitchNeck  # noqa: E402
__all__ += ['PFCStitchNeck']
