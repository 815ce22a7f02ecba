"""Builds the SSGRL class graph from the observed training labels."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mlc.registry import HOOKS


@HOOKS.register_module()
class SSGRLGraphHook(Hook):
    """Before training, set ``model.head``'s co-occurrence graph.

    The graph uses the *observed* labels of the training set (its
    ``label_store``, as loaded: observed positives only, never
    ``gt_clean``). Every rank computes the same graph from the same file,
    so no communication is needed; the graph is a buffer, saved in
    checkpoints (testing needs no hook).
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        head = getattr(model, 'head', None)
        if not hasattr(head, 'set_adjacency'):
            raise TypeError('SSGRLGraphHook: the model head '
                            f'{type(head).__name__} has no set_adjacency '
                            '(use SSGRLHead)')
        dataset = runner.train_dataloader.dataset
        while not hasattr(dataset, 'label_store') and hasattr(
                dataset, 'dataset'):
            dataset = dataset.dataset
        if not hasattr(dataset, 'label_store'):
            raise TypeError('SSGRLGraphHook: the training dataset '
                            f'{type(dataset).__name__} has no label_store '
                            '(use an MLCDataset)')
        head.set_adjacency(dataset.label_store.initial())
