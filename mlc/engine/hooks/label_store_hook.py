"""Save and restore the training label store with checkpoints."""
from mmengine.hooks import Hook

from mlc.registry import HOOKS


def find_label_store(dataset):
    """The ``label_store`` of a dataset or of the dataset it wraps."""
    while dataset is not None:
        store = getattr(dataset, 'label_store', None)
        if store is not None:
            return store
        dataset = getattr(dataset, 'dataset', None)
    return None


@HOOKS.register_module()
class LabelStoreHook(Hook):
    """Keep hook-made label updates across a crash and resume.

    Hooks may rewrite training labels in the dataset's
    :class:`~mlc.datasets.LabelStore` (e.g. label correction). When the store
    differs from the labels loaded from the file, its observed labels are
    saved under ``checkpoint['mlc_state']['label_store']`` and restored on
    resume. Every rank holds the same store (updates are applied on all
    ranks), so the copy of any rank is the copy of all.
    """

    priority = 'LOW'

    @staticmethod
    def _store(runner):
        loop = getattr(runner, '_train_loop', None)
        if loop is None or isinstance(loop, dict):
            return None
        return find_label_store(loop.dataloader.dataset)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        store = self._store(runner)
        if store is not None and (store.observed() != store.initial()).any():
            checkpoint.setdefault('mlc_state', {})['label_store'] = \
                store.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        saved = checkpoint.get('mlc_state', {}).get('label_store')
        store = self._store(runner)
        if saved is None or store is None:
            return
        store.load_state_dict(saved)
        runner.logger.info('LabelStoreHook: restored corrected training '
                           'labels from the checkpoint')
