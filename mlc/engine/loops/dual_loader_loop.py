"""One epoch loop fed by a random and a class-aware loader (Stitch-Up
co-learning)."""
from typing import Dict, Iterator, List, Optional, Tuple, Union

from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import DataLoader

from mlc.registry import LOOPS


def set_loader_epoch(loader: DataLoader, epoch: int) -> None:
    """``set_epoch`` on the loader's sampler and dataset when they have it
    (the Stitch-Up partner draw depends on the epoch)."""
    for obj in (loader.sampler, getattr(loader.batch_sampler, 'sampler',
                                        None), loader.dataset):
        if hasattr(obj, 'set_epoch'):
            obj.set_epoch(epoch)


def check_epoch_aware(loader: DataLoader, name: str) -> None:
    """A dataset whose items depend on the epoch cannot run in persistent
    workers (they would keep the epoch of their start)."""
    if hasattr(loader.dataset, 'set_epoch') and loader.persistent_workers:
        raise ValueError(f'DualLoaderEpochBasedTrainLoop: {name} uses '
                         f'{type(loader.dataset).__name__}, whose items '
                         'depend on the epoch: set persistent_workers=False')


@LOOPS.register_module()
class DualLoaderEpochBasedTrainLoop(EpochBasedTrainLoop):
    """Epoch loop over ``dataloader`` (R) zipped with a cycling
    ``dataloader_b`` (B); ``model.train_step`` gets
    ``dict(random=batch_R, balanced=batch_B)``.

    An epoch is ``len(dataloader)`` iterations. Loader B is consumed one
    batch per iteration and restarts when exhausted; its k-th pass uses
    ``set_epoch(k)``. Its position is a function of the global iteration
    (pass ``iter // len(B)``, offset ``iter % len(B)``), so a resumed run
    continues exactly where the interrupted one was (a sampler with
    ``skip_next`` skips without loading images). Without ``dataloader_b``
    this is an ordinary epoch loop that also calls the dataset's
    ``set_epoch``.

    Args:
        runner: The runner.
        dataloader (DataLoader | dict): Loader R (``train_dataloader``).
        max_epochs (int): Total epochs.
        dataloader_b (DataLoader | dict, optional): Loader B.
        val_begin (int): First epoch with validation.
        val_interval (int): Validation interval.
        dynamic_intervals (list, optional): As in mmengine.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 max_epochs: int,
                 dataloader_b: Optional[Union[DataLoader, Dict]] = None,
                 val_begin: int = 1,
                 val_interval: int = 1,
                 dynamic_intervals: Optional[List[Tuple[int, int]]] = None
                 ) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin,
                         val_interval, dynamic_intervals)
        if isinstance(dataloader_b, dict):
            diff_rank_seed = runner._randomness_cfg.get(
                'diff_rank_seed', False)
            dataloader_b = runner.build_dataloader(
                dataloader_b, seed=runner.seed, diff_rank_seed=diff_rank_seed)
        self.dataloader_b = dataloader_b
        check_epoch_aware(self.dataloader, 'train_dataloader')
        if dataloader_b is not None:
            check_epoch_aware(dataloader_b, 'dataloader_b')
            if len(dataloader_b) == 0:
                raise ValueError('DualLoaderEpochBasedTrainLoop: '
                                 'dataloader_b is empty')

    def run_epoch(self) -> None:
        """Iterate one epoch of loader R with batches of loader B."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        set_loader_epoch(self.dataloader, self._epoch)
        batches_b = None if self.dataloader_b is None else self._cycle_b()
        for idx, data_batch in enumerate(self.dataloader):
            if batches_b is not None:
                data_batch = dict(random=data_batch,
                                  balanced=next(batches_b))
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def _cycle_b(self) -> Iterator:
        """Batches of loader B from the current global iteration on."""
        loader = self.dataloader_b
        num_pass, offset = divmod(self._iter, len(loader))
        while True:
            set_loader_epoch(loader, num_pass)
            if offset == 0:
                self._log_histogram(num_pass)
            sampler = loader.sampler
            skipped = offset and hasattr(sampler, 'skip_next')
            if skipped:
                sampler.skip_next(offset * loader.batch_size)
            batches = iter(loader)
            if offset and not skipped:
                for _ in range(offset):
                    next(batches)
            yield from batches
            num_pass, offset = num_pass + 1, 0

    def _log_histogram(self, num_pass: int) -> None:
        sampler = self.dataloader_b.sampler
        if hasattr(sampler, 'class_histogram'):
            self.runner.logger.info(
                f'dataloader_b pass {num_pass}: samples containing each '
                f'class {sampler.class_histogram(num_pass).tolist()}')
