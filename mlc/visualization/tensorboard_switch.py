"""The ``use_tensorboard`` switch of the default runtime.

``use_tensorboard = True`` in a config (or ``--cfg-options
use_tensorboard=True``) adds mmengine's ``TensorboardVisBackend`` to
``visualizer.vis_backends``, next to the ``LocalVisBackend`` that writes
``vis_data/scalars.json``. TensorBoard is an optional dependency
(``requirements/optional.txt``); the switch checks it is installed before
the run starts (mmengine would only fail at the first logged scalar).
"""
import importlib.util

from mmengine.config import Config

TENSORBOARD_BACKEND = 'TensorboardVisBackend'


def apply_tensorboard_switch(cfg: Config) -> None:
    """Add the TensorBoard backend to ``cfg.visualizer`` when
    ``cfg.use_tensorboard`` is true (once: a backend already listed is
    kept as is).

    Raises:
        TypeError: ``use_tensorboard`` is not a bool.
        KeyError: the switch is on but the config has no ``visualizer``.
        ImportError: the switch is on and ``tensorboard`` is not installed.
    """
    switch = cfg.get('use_tensorboard', False)
    if not isinstance(switch, bool):
        raise TypeError(f'use_tensorboard must be True or False, got '
                        f'{switch!r}')
    if not switch:
        return
    if importlib.util.find_spec('tensorboard') is None:
        raise ImportError('use_tensorboard=True needs the tensorboard '
                          'package: pip install tensorboard (see '
                          'requirements/optional.txt)')
    if cfg.get('visualizer') is None:
        raise KeyError('use_tensorboard=True: the config has no visualizer '
                       "(inherit configs/_base_/default_runtime.py)")
    backends = list(cfg.visualizer.get('vis_backends') or [])
    if not any(b.get('type') == TENSORBOARD_BACKEND for b in backends):
        backends.append(dict(type=TENSORBOARD_BACKEND))
    cfg.visualizer.vis_backends = backends
