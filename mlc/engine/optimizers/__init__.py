"""Optimiser wrappers and their constructors."""
from .autocast_optim_wrapper import AutocastOptimWrapper
from .comic_optim_wrapper_constructor import ComicOptimWrapperConstructor

__all__ = ['AutocastOptimWrapper', 'ComicOptimWrapperConstructor']
