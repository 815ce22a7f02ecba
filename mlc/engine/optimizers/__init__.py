"""Optimiser wrapper constructors."""
from .comic_optim_wrapper_constructor import ComicOptimWrapperConstructor

__all__ = ['ComicOptimWrapperConstructor']
