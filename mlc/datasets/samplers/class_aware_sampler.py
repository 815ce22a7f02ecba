"""Class-aware sampler of OLTR / DB loss."""
import math
from typing import Iterator, List, Optional, Sized, Tuple, Union

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.logging import MMLogger
from torch.utils.data import Sampler

from mlc.registry import DATA_SAMPLERS


def positive_lists(dataset: Sized,
                   chunk_rows: int = 1 << 16) -> List[np.ndarray]:
    """Per class, the indices of the samples whose observed labels (as
    loaded, never ``gt_clean``) contain it, ascending.

    With a ``label_store`` (dense or sparse) the positives are read in row
    chunks (``positive_entries``) and grouped by class with one stable sort
    (the column index of the CSR), so no (N, C) matrix is built; otherwise
    ``get_cat_ids`` per sample.

    Returns:
        list: C int64 arrays (views of one array of all positives).
    """
    store = getattr(dataset, 'label_store', None)
    rows, classes = [np.zeros(0, np.int64)], [np.zeros(0, np.int32)]
    if store is not None:
        num_classes = store.num_classes
        for start in range(0, store.num_samples, chunk_rows):
            offsets, ids = store.positive_entries(
                start, min(start + chunk_rows, store.num_samples))
            rows.append(np.asarray(offsets, np.int64) + start)
            classes.append(np.asarray(ids, np.int32))
    else:
        num_classes = len(dataset.metainfo['classes'])
        for i in range(len(dataset)):
            ids = sorted(set(dataset.get_cat_ids(i)))
            rows.append(np.full(len(ids), i, np.int64))
            classes.append(np.asarray(ids, np.int32))
    rows, classes = np.concatenate(rows), np.concatenate(classes)
    order = np.argsort(classes, kind='stable')
    bounds = np.cumsum(np.bincount(classes, minlength=num_classes))[:-1]
    return np.split(rows[order], bounds)


class _CycleIter:
    """Cycle over ``items`` in random order, reshuffled after each pass."""

    def __init__(self, items: np.ndarray, rng: np.random.Generator) -> None:
        self.items = np.array(items)
        self.rng = rng
        self.pos = len(self.items)

    def take(self, k: int) -> List[int]:
        out = []
        for _ in range(k):
            if self.pos == len(self.items):
                self.rng.shuffle(self.items)
                self.pos = 0
            out.append(int(self.items[self.pos]))
            self.pos += 1
        return out


@DATA_SAMPLERS.register_module()
class ClassAwareSampler(Sampler):
    """Class-aware sampling: walk classes in random order and take
    ``num_samples_cls`` images of each from its own shuffled cycle.

    The epoch has ``M = floor(max_c |L_c| * C / reduce)`` samples in total,
    ``L_c`` the images whose observed labels contain c (classes with no
    image are skipped and logged). The sequence uses a private generator
    seeded with (seed, epoch), so global ``random``/``numpy``/``torch``
    states are never touched. Under DDP every rank builds the same sequence
    (padded to a multiple of the world size by repeating its start) and
    takes ``seq[rank::world]``: shards are disjoint and cover it.

    A dataset with ``position_keyed = True`` (``StitchUpDataset``) receives
    ``(index, position)`` pairs, ``position`` being the place in the padded
    global sequence of the epoch: it keys per-occurrence random draws (an
    image sampled many times per pass gets a fresh draw each time) on
    something that resume, worker count and world size leave unchanged.
    Other datasets receive plain indices.

    Args:
        dataset (Sized): Dataset with ``label_store`` or ``get_cat_ids``.
        num_samples_cls (int): Consecutive samples drawn per class visit.
        reduce (int): Epoch length divisor.
        seed (int, optional): Defaults to the run seed synchronised across
            ranks (``sync_random_seed``).
    """

    def __init__(self,
                 dataset: Sized,
                 num_samples_cls: int = 3,
                 reduce: int = 4,
                 seed: Optional[int] = None) -> None:
        if num_samples_cls < 1 or reduce < 1:
            raise ValueError('ClassAwareSampler: num_samples_cls and reduce '
                             'must be >= 1')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.num_samples_cls = num_samples_cls
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self._skip = 0
        lists = positive_lists(dataset)
        empty = [c for c, idx in enumerate(lists) if len(idx) == 0]
        self.class_lists = [idx for idx in lists if len(idx)]
        if not self.class_lists:
            raise ValueError('ClassAwareSampler: no class has an observed '
                             'positive sample')
        if empty:
            MMLogger.get_current_instance().warning(
                f'ClassAwareSampler: classes {empty} have no observed '
                'positive and are never drawn')
        self.total = (max(len(idx) for idx in lists) * len(lists)) // reduce
        self.num_samples = math.ceil(self.total / self.world_size)
        self.with_position = bool(getattr(dataset, 'position_keyed', False))

    def sequence(self, epoch: int) -> List[int]:
        """The global (un-sharded) index sequence of ``epoch``."""
        rng = np.random.default_rng([self.seed, epoch])
        classes = _CycleIter(np.arange(len(self.class_lists)), rng)
        cycles = [_CycleIter(idx, rng) for idx in self.class_lists]
        seq: List[int] = []
        while len(seq) < self.total:
            seq.extend(cycles[classes.take(1)[0]].take(self.num_samples_cls))
        return seq[:self.total]

    def __iter__(self) -> Iterator[Union[int, Tuple[int, int]]]:
        """This rank's indices, or ``(index, position)`` pairs for a
        ``position_keyed`` dataset."""
        seq = self.sequence(self.epoch)
        padded = self.num_samples * self.world_size
        seq = (seq * math.ceil(padded / len(seq)))[:padded]
        positions = range(self.rank, padded, self.world_size)
        shard: list = [seq[p] for p in positions]
        if self.with_position:
            shard = list(zip(shard, positions))
        skip, self._skip = self._skip, 0
        return iter(shard[skip:])

    def __len__(self) -> int:
        """Samples of this rank per epoch."""
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Select the sequence of ``epoch`` (called by the train loop)."""
        self.epoch = epoch

    def skip_next(self, num: int) -> None:
        """Drop the first ``num`` samples of this rank's next iteration (so
        a resumed loop continues mid-sequence without loading them)."""
        self._skip = num

    def class_histogram(self, epoch: int) -> np.ndarray:
        """(C',) samples per non-empty class drawn in ``epoch`` (log aid)."""
        labels = np.zeros(len(self.dataset), dtype=np.int64)
        np.add.at(labels, self.sequence(epoch), 1)
        return np.array([labels[idx].sum() for idx in self.class_lists])
