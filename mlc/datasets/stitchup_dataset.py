"""Stitch-Up partner selection."""
from typing import List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.dist import sync_random_seed
from mmengine.logging import MMLogger

from mlc.registry import DATASETS
from .samplers.class_aware_sampler import positive_lists


@DATASETS.register_module()
class StitchUpDataset:
    """Pair each anchor with a partner sharing one of its noisy positives.

    For anchor i with observed positives P_i (as loaded; never
    ``gt_clean``): draw c uniformly from P_i, then the partner j uniformly
    from L_c, the images whose observed labels contain c (j may equal i).
    An anchor without positive gets a uniform partner (counted in
    ``num_uniform_partners`` and logged once). Each item draws afresh, as
    the official dataset's ``__getitem__``, from a private generator: an
    item ``(i, position)`` (what :class:`ClassAwareSampler` yields to this
    ``position_keyed`` dataset, ``position`` = place in the epoch's global
    sequence) seeds it with (seed, epoch, i, position), so an image the
    class-aware sampler repeats many times per pass gets a new partner each
    time; a plain index ``i`` (e.g. from the uniform sampler, which visits
    each image once per epoch) seeds it with (seed, epoch, i). Draws are
    deterministic, independent of worker count, order, world size and
    resume, and change each epoch (the train loop calls :meth:`set_epoch`;
    with ``num_workers > 0`` the loader must not use persistent workers).

    The partner is loaded and augmented independently by the same pipeline.
    Each item is ``dict(inputs=[anchor, partner], data_samples=anchor)``;
    the anchor's data sample gains ``partner_gt_score``,
    ``partner_sample_idx`` and, when present, ``partner_gt_clean`` (for
    logging only). The model stitches (feature average or image splice).

    Args:
        dataset (dict | BaseDataset): The wrapped multi-label dataset.
        seed (int, optional): Defaults to the run seed synchronised across
            ranks (``sync_random_seed``).
        stitch (bool): With False, items are the wrapped dataset's own
            (single images, no partner): the no-Stitch-Up ablation with the
            same data configuration. Defaults to True.
    """

    #: items may be ``(index, position)`` pairs (see ClassAwareSampler)
    position_keyed = True

    def __init__(self, dataset: Union[dict, BaseDataset],
                 seed: Optional[int] = None,
                 stitch: bool = True) -> None:
        self.dataset = (DATASETS.build(dataset) if isinstance(dataset, dict)
                        else dataset)
        self.stitch = stitch
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.num_uniform_partners = 0
        self._lists: Optional[List[np.ndarray]] = None
        self._positives: Optional[List[np.ndarray]] = None

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    @property
    def label_store(self):
        return self.dataset.label_store

    def full_init(self) -> None:
        """Initialise the dataset and build the class lists once."""
        if self._lists is not None:
            return
        self.dataset.full_init()
        self._lists = positive_lists(self.dataset)
        rows: List[List[int]] = [[] for _ in range(len(self.dataset))]
        for c, idx in enumerate(self._lists):
            for i in idx:
                rows[i].append(c)
        self._positives = [np.asarray(r, dtype=np.int64) for r in rows]

    def set_epoch(self, epoch: int) -> None:
        """Select the partners of ``epoch``."""
        self.epoch = epoch

    def get_cat_ids(self, idx: int) -> List[int]:
        return self.dataset.get_cat_ids(idx)

    def partner(self, idx: int, position: Optional[int] = None) -> int:
        """Partner index of anchor ``idx`` in the current epoch, drawn for
        the occurrence at sampler ``position`` (None: one draw per index
        and epoch)."""
        self.full_init()
        rng = np.random.default_rng(np.random.SeedSequence(
            [self.seed, self.epoch, idx],
            spawn_key=() if position is None else (position, )))
        positives = self._positives[idx]
        if len(positives) == 0:
            if self.num_uniform_partners == 0:
                MMLogger.get_current_instance().warning(
                    'StitchUpDataset: an anchor without observed positive '
                    'gets a uniform partner (counted in '
                    'num_uniform_partners)')
            self.num_uniform_partners += 1
            return int(rng.integers(len(self.dataset)))
        cls = positives[rng.integers(len(positives))]
        members = self._lists[cls]
        return int(members[rng.integers(len(members))])

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, item: Union[int, Tuple[int, int]]) -> dict:
        """Anchor ``idx`` with its partner; ``item`` is ``idx`` or
        ``(idx, position)``."""
        idx, position = item if isinstance(item, tuple) else (item, None)
        anchor = self.dataset[idx]
        if not self.stitch:
            return anchor
        j = self.partner(idx, position)
        other = self.dataset[j]
        sample = anchor['data_samples']
        mate = other['data_samples']
        sample.set_field(torch.as_tensor(mate.gt_score), 'partner_gt_score',
                         dtype=torch.Tensor)
        sample.set_field(j, 'partner_sample_idx', field_type='metainfo')
        if 'gt_clean' in mate:
            sample.set_field(torch.as_tensor(mate.gt_clean),
                             'partner_gt_clean', dtype=torch.Tensor)
        return dict(inputs=[anchor['inputs'], other['inputs']],
                    data_samples=sample)
