"""Give losses the class counts of the training set (DB loss)."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mlc.registry import HOOKS


@HOOKS.register_module()
class ClassFreqHook(Hook):
    """Before training, call ``set_class_freq(class_freq, N)`` on every
    model submodule built with ``class_freq='dataset'`` (e.g.
    ``DistributionBalancedLoss``), with the ``class_freq`` metainfo (observed
    positives per class) and the size of the training dataset."""

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        if 'class_freq' not in dataset.metainfo:
            raise KeyError(f'ClassFreqHook: {type(dataset).__name__} has no '
                           "'class_freq' metainfo")
        freq, num = dataset.metainfo['class_freq'], len(dataset)
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        targets = [m for m in model.modules()
                   if getattr(m, 'from_dataset', False)
                   and hasattr(m, 'set_class_freq')]
        for module in targets:
            module.set_class_freq(freq, num)
        runner.logger.info(f'ClassFreqHook: {len(targets)} module(s) got the '
                           f'class counts of {num} training images: {freq}')
