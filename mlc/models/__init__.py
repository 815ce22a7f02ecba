"""Models: losses, heads, necks, classifiers."""
from .classifiers import *  # noqa: F401,F403,E402
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403,E402
from .utils import *  # noqa: F401,F403
