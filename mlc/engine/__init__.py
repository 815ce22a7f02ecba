"""Training engine: hooks, loops, schedulers."""
from .hooks import *  # noqa: F401,F403
