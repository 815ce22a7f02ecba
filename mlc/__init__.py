"""mlc: multi-label image classification with imperfect labels."""
import warnings

# mmcv-lite has no compiled ops; mlc never uses them (and never mmcv.ops)
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from .utils.compat import register_safe_globals  # noqa: E402
from .version import __version__  # noqa: E402

register_safe_globals()

__all__ = ['__version__']
