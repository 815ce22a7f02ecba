"""Give model components the class statistics of the training labels."""
from mmengine.hooks import Hook

from mlc.registry import HOOKS
from .model_protocols import (
    ClassStats,
    push_training_stats,
    train_label_store,
    unwrap_model,
)


class ClassStatsHook(Hook):
    """Before training, compute the :class:`ClassStats` of the training
    set's *observed* labels (its label store, as loaded, read in row
    chunks: a sparse store is never densified; never ``gt_clean``) and
    give them to every model module with
    ``set_training_stats`` (the class-statistics protocol,
    docs/conventions.md section 8).
    Every rank computes the same statistics from the same file; consumers
    keep what they need in buffers, saved in checkpoints.
    """

    #: raise when no module of the model takes the statistics
    required = False

    def before_train(self, runner) -> None:
        name = type(self).__name__
        store = train_label_store(runner, name)
        stats = ClassStats.from_store(store)
        model = unwrap_model(runner.model)
        targets = push_training_stats(model, stats)
        if self.required and not targets:
            raise TypeError(f'{name}: no module of {type(model).__name__} '
                            'takes class statistics (set_training_stats)')
        freq = stats.class_freq
        shown = freq.tolist() if len(freq) <= 100 else \
            f'{int(freq.sum())} over {len(freq)} classes'
        runner.logger.info(
            f'{name}: class statistics of {stats.num_samples} training '
            f'images ({shown} positives) given to '
            f'{len(targets)} module(s): {targets}')


@HOOKS.register_module()
class ClassFreqHook(ClassStatsHook):
    """:class:`ClassStatsHook` for the DB loss (``class_freq='dataset'``:
    observed positives per class and the number of training images)."""

    priority = 'VERY_HIGH'


@HOOKS.register_module()
class SSGRLGraphHook(ClassStatsHook):
    """:class:`ClassStatsHook` for ``SSGRLHead``: its co-occurrence graph
    (a buffer, saved in checkpoints, so testing needs no hook). Raises when
    the model has no such head."""

    priority = 'NORMAL'
    required = True
