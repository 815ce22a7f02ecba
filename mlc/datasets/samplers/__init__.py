"""Data samplers."""
from .class_aware_sampler import ClassAwareSampler, positive_lists

__all__ = ['ClassAwareSampler', 'positive_lists']
