"""Utilities: environment set-up, checkpoint compatibility, distributed
sync."""
from .checkpoint import UnsafeCheckpointError
from .compat import register_safe_globals
from .setup_env import register_all_modules

__all__ = ['register_all_modules', 'register_safe_globals',
           'UnsafeCheckpointError']
