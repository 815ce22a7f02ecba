"""Hooks."""
__all__ = []
