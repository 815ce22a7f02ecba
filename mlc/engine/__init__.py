"""Training engine: hooks, loops, schedulers."""
from .hooks import *  # noqa: F401,F403
from .loops import *  # noqa: F401,F403,E402
from .optimizers import *  # noqa: F401,F403,E402
from .schedulers import *  # noqa: F401,F403
