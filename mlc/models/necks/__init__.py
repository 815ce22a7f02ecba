"""Necks."""
from .comic_feat_neck import ComicFeatNeck
from .pfc_stitch_neck import PFCStitchNeck

__all__ = [
    'ComicFeatNeck', 'PFCStitchNeck'
]
