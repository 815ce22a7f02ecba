"""Models: losses, heads, necks, classifiers."""
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .classifiers import *  # noqa: F401,F403,E402
from .necks import *  # noqa: F401,F403,E402
