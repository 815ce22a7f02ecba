"""Register every mlc (and mmpretrain) module and set the default scope."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import all mlc and mmpretrain modules so that they are registered.

    ``mlc.apis`` registers nothing and imports this module, so it is not
    imported here (no import circle).

    Args:
        init_default_scope (bool): Set the global default scope to ``mlc``
            so that registries build from mlc's nodes (which fall back to
            mmpretrain's and mmengine's). Defaults to True.
    """
    import mmpretrain.utils
    mmpretrain.utils.register_all_modules(init_default_scope=False)

    import mlc.datasets  # noqa: F401
    import mlc.engine  # noqa: F401
    import mlc.evaluation  # noqa: F401
    import mlc.models  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mlc', scope_name='mlc')
    elif current.scope_name != 'mlc':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "mlc"; `register_all_modules` switches it to '
                      '"mlc".', stacklevel=2)
        DefaultScope.get_instance(f'mlc-{datetime.datetime.now()}',
                                  scope_name='mlc')
