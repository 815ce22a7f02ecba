"""Distribution-Balanced loss (Wu et al., ECCV 2020)."""
import json
import os.path as osp
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger

from mlc.registry import MODELS
from .mlc_loss_base import (
    MLCLossBase,
    as_loss_inputs,
    check_values_now,
    weight_reduce_loss,
)

ClassFreq = Union[None, str, Sequence[int], np.ndarray]


def load_class_freq(source: Union[str, Sequence[int], np.ndarray],
                    num_samples: Optional[int] = None
                    ) -> Tuple[np.ndarray, int]:
    """Training positives per class ``n_c`` and the number of images ``N``.

    Args:
        source (str | sequence): counts (then ``num_samples`` is required),
            or a file: DB/Stitch-Up ``class_freq*.pkl`` (counts of its
            ``gt_labels`` or noisy ``labels``, read with the restricted
            unpickler of ``mlc.datasets.readers``), a
            standard annotation JSON (counts its ``pos`` lists), a JSON
            ``{"class_freq": [...], "num_samples": N}`` or an ``.npy`` of
            counts (then ``num_samples`` is required).
        num_samples (int, optional): ``N``; overrides the file's value.

    Returns:
        tuple: (C,) float64 counts and ``N``.
    """
    file_n = None
    if isinstance(source, str):
        if not osp.isfile(source):
            raise FileNotFoundError(f'class_freq file "{source}" not found')
        if source.endswith('.pkl'):
            # counts of the (noisy) training labels the file ships
            from mlc.datasets.readers import read_db_class_freq
            labels = read_db_class_freq(source)['labels']
            freq = (labels == 1).sum(0).astype(np.float64)
            file_n = labels.shape[0]
        elif source.endswith('.json'):
            with open(source) as f:
                data = json.load(f)
            if 'data_list' in data:
                from mlc.evaluation.functional import class_freq_from_ann_file
                freq = class_freq_from_ann_file(source).astype(np.float64)
                file_n = len(data['data_list'])
            elif 'class_freq' in data:
                freq = np.asarray(data['class_freq'], dtype=np.float64)
                file_n = data.get('num_samples')
            else:
                raise KeyError(f'{source}: expected a standard annotation '
                               'file or a dict with "class_freq"')
        elif source.endswith('.npy'):
            freq = np.load(source, allow_pickle=False).astype(np.float64)
        else:
            raise ValueError(f'class_freq file "{source}": expected .pkl, '
                             '.json or .npy')
    else:
        freq = np.asarray(source, dtype=np.float64)
    n = num_samples if num_samples is not None else file_n
    if n is None:
        raise ValueError('DistributionBalancedLoss: the number of training '
                         'images (num_samples) is needed with bare counts')
    if freq.ndim != 1 or (freq <= 0).any() or (freq >= n).any():
        raise ValueError('DistributionBalancedLoss: class_freq must be 1-D '
                         f'with 0 < n_c < N = {n}; got {freq.tolist()} (a '
                         'class without training positives has no weight)')
    return freq, int(n)


@MODELS.register_module()
class DistributionBalancedLoss(MLCLossBase):
    """Distribution-Balanced loss: re-balanced weights, negative-tolerant
    regularisation and a focal term.

    For logits ``z`` (B, C) and binary targets ``y`` (B, C), with ``n_c``
    training positives of class c among ``N`` images:

    - re-balancing: ``r_kc = (1/n_c) / sum_{j: y_kj=1} 1/n_j`` and
      ``w_kc = alpha + sigmoid(beta (r_kc - mu))`` (``map_param``);
    - logit regularisation: ``z' = z + b_c``, ``b_c = (init_bias / lambda)
      log(n_c / (N - n_c))`` (out of place); negatives use ``lambda z'``
      with weight ``w / lambda`` (``neg_scale`` lambda);
    - focal: ``s (1 - p_t)^gamma w BCE(z_hat, y)`` with ``p_t`` from the
      unweighted ``z_hat`` (not detached, as in the DB code).

    Args:
        class_freq (str | sequence, optional): ``n_c``: a file or counts
            (see :func:`load_class_freq`), ``'dataset'`` (set from the
            training set's ``class_freq`` metainfo by ``ClassFreqHook``
            before training) or None (uniform counts with ``N = 2 n``: no
            logit bias; only meant for default construction in tests).
        num_samples (int, optional): ``N`` when ``class_freq`` lacks it.
        reweight (str): ``'rebalance'`` or ``'none'``.
        map_param (dict): ``alpha``, ``beta``, ``gamma`` (= mu) of the
            weight mapping. VOC (0.1, 10, 0.3), COCO (0.1, 10, 0.2).
        logit_reg (dict, optional): ``init_bias`` (kappa) and ``neg_scale``
            (lambda); None disables it.
        focal (dict, optional): ``balance_param`` (s) and ``gamma``; None
            disables it.
        no_positive (str): for a sample without positive, where ``r_kc``
            divides by zero: ``'unit_weight'`` (w = 1 on that row; rows are
            counted on the device in the tensor ``num_no_positive``, and a
            warning is logged if the first batch has one, or any batch with
            ``MLC_CHECK_LOSS_INPUTS=1``) or ``'error'`` (raise; tests every
            batch, a host-device sync per call).
        **base_args: ``reduction`` (default ``'mean'``, over B x C, DB
            issue #10), ``loss_weight`` and ``unknown_as`` (``'negative'``
            by default, ``'ignore'`` or ``'error'``): see
            :class:`MLCLossBase`.
    """

    default_unknown_as = 'negative'

    def __init__(self,
                 class_freq: ClassFreq = None,
                 num_samples: Optional[int] = None,
                 reweight: str = 'rebalance',
                 map_param: dict = dict(alpha=0.1, beta=10.0, gamma=0.3),
                 logit_reg: Optional[dict] = dict(init_bias=0.05,
                                                  neg_scale=5.0),
                 focal: Optional[dict] = dict(balance_param=2.0, gamma=2),
                 no_positive: str = 'unit_weight',
                 **base_args) -> None:
        super().__init__(**base_args)
        if reweight not in ('rebalance', 'none'):
            raise ValueError('DistributionBalancedLoss: reweight must be '
                             f"'rebalance' or 'none', got {reweight!r}")
        if no_positive not in ('unit_weight', 'error'):
            raise ValueError('DistributionBalancedLoss: no_positive must be '
                             f"'unit_weight' or 'error', got {no_positive!r}")
        self.map_param = _checked(map_param, ('alpha', 'beta', 'gamma'),
                                  'map_param')
        self.logit_reg = None if logit_reg is None else _checked(
            logit_reg, ('init_bias', 'neg_scale'), 'logit_reg')
        self.focal = None if focal is None else _checked(
            focal, ('balance_param', 'gamma'), 'focal')
        self.reweight = reweight
        self.no_positive = no_positive
        self.from_dataset = class_freq == 'dataset'
        # rows without positive seen so far: counted on the device
        self.register_buffer('num_no_positive',
                             torch.zeros((), dtype=torch.long),
                             persistent=False)
        self._rows_checked = False
        self.register_buffer('class_freq', torch.empty(0, dtype=torch.float64),
                             persistent=False)
        self.num_samples = 0
        if class_freq is not None and not self.from_dataset:
            self.set_class_freq(*load_class_freq(class_freq, num_samples))

    def set_class_freq(self, class_freq: Sequence[float],
                       num_samples: int) -> None:
        """Set ``n_c`` (C,) and ``N`` (also used by ``ClassFreqHook``)."""
        freq, n = load_class_freq(np.asarray(class_freq), num_samples)
        self.class_freq = torch.as_tensor(freq, device=self.class_freq.device)
        self.num_samples = n

    def set_training_stats(self, stats) -> None:
        """Class-statistics protocol (``mlc.models.utils.ClassStats``, set
        by ``ClassFreqHook``): with ``class_freq='dataset'``, ``n_c`` and
        ``N`` of the observed training labels."""
        if self.from_dataset:
            self.set_class_freq(stats.class_freq.tolist(), stats.num_samples)

    def _freq(self, z: torch.Tensor) -> Tuple[torch.Tensor, float]:
        if self.class_freq.numel() == 0:
            if self.from_dataset:
                raise RuntimeError(
                    "DistributionBalancedLoss: class_freq='dataset' but no "
                    "counts were set; add dict(type='ClassFreqHook') to "
                    'custom_hooks or give class_freq explicitly')
            return z.new_ones(z.shape[1]), 2.0
        if self.class_freq.numel() != z.shape[1]:
            raise ValueError('DistributionBalancedLoss: '
                             f'{self.class_freq.numel()} class counts for '
                             f'{z.shape[1]} classes')
        return self.class_freq.to(z), float(self.num_samples)

    def rebalance_weight(self, y: torch.Tensor,
                         freq: torch.Tensor) -> torch.Tensor:
        """(B, C) weights ``w = alpha + sigmoid(beta (r - mu))`` of the
        binary targets ``y`` (B, C) and counts ``freq`` (C,) (see
        :func:`rebalance_weight`), with this module's row bookkeeping."""
        weight, empty = rebalance_weight(y, freq, self.map_param)
        self._note_no_positive(empty)
        return weight

    def _note_no_positive(self, empty: torch.Tensor) -> None:
        """Raise, count and warn about the (B,) rows without positive."""
        # 'error' tests every batch (a host-device sync per call, that
        # mode's price); 'unit_weight' counts on the device and looks at
        # the count on the first call only (or with MLC_CHECK_LOSS_INPUTS=1)
        if self.no_positive == 'error' and empty.any():
            rows = empty.nonzero()[:, 0].tolist()
            raise ValueError(
                'DistributionBalancedLoss: sample(s) at batch rows '
                f'{rows} have no positive label, so the re-balancing '
                'weight divides by zero; use no_positive="unit_weight"')
        self.num_no_positive += empty.sum()
        if check_values_now(self._rows_checked):
            self._rows_checked = True
            if empty.any():
                MMLogger.get_current_instance().warning(
                    'DistributionBalancedLoss: a sample without positive '
                    'label gets re-balancing weight 1 (counted in '
                    'num_no_positive)')

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`distribution_balanced_loss` with this module's settings
        and class counts."""
        freq, n = self._freq(z)
        loss, empty = distribution_balanced_loss(
            z, t, weight, freq, n, self.reweight, self.map_param,
            self.logit_reg, self.focal, reduction, avg_factor,
            self.unknown_as, return_no_positive=True)
        if empty is not None:
            self._note_no_positive(empty)
        return loss


def rebalance_weight(y: torch.Tensor, freq: torch.Tensor, map_param: dict
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Re-balancing weights ``w = alpha + sigmoid(beta (r - mu))``.

    Args:
        y (Tensor): (B, C) binary targets.
        freq (Tensor): (C,) positive training counts ``n_c``.
        map_param (dict): ``alpha``, ``beta`` and ``gamma`` (= mu).

    Returns:
        tuple: (B, C) weights (1 on a row without positive, where ``r``
        divides by zero) and the (B,) bool mask of those rows.
    """
    freq_inv = 1.0 / freq
    repeat = (y * freq_inv).sum(dim=1, keepdim=True)
    empty = repeat[:, 0] == 0
    r = freq_inv / repeat.clamp(min=torch.finfo(y.dtype).tiny)
    p = map_param
    w = p['alpha'] + torch.sigmoid(p['beta'] * (r - p['gamma']))
    return torch.where(empty[:, None], torch.ones_like(w), w), empty


def distribution_balanced_loss(
        pred: torch.Tensor,
        target: torch.Tensor,
        weight: Optional[torch.Tensor] = None,
        class_freq: Optional[torch.Tensor] = None,
        num_samples: float = 2.0,
        reweight: str = 'rebalance',
        map_param: dict = dict(alpha=0.1, beta=10.0, gamma=0.3),
        logit_reg: Optional[dict] = dict(init_bias=0.05, neg_scale=5.0),
        focal: Optional[dict] = dict(balance_param=2.0, gamma=2),
        reduction: str = 'mean',
        avg_factor: Optional[float] = None,
        unknown_as: str = 'negative',
        return_no_positive: bool = False
) -> Union[torch.Tensor, Tuple[torch.Tensor, Optional[torch.Tensor]]]:
    """Distribution-Balanced loss (see :class:`DistributionBalancedLoss`;
    no input validation; a row without positive gets re-balancing weight 1).

    Args:
        class_freq (Tensor, optional): (C,) training positives ``n_c``;
            None: uniform counts with ``num_samples = 2 n`` (no logit bias).
        num_samples (float): Training images ``N``. Defaults to 2.0.
        reweight (str): ``'rebalance'`` or ``'none'``.
        map_param (dict): ``alpha``, ``beta``, ``gamma`` (= mu).
        logit_reg (dict, optional): ``init_bias`` and ``neg_scale``; None
            disables it.
        focal (dict, optional): ``balance_param`` and ``gamma``; None
            disables it.
        return_no_positive (bool): Also return the (B,) bool mask of the
            rows without positive (None with ``reweight='none'``).

    Returns:
        Tensor | tuple: The loss (see :mod:`.mlc_loss_base` for it and the
        other arguments); with ``return_no_positive``, a (loss, mask) pair.
    """
    z, t = as_loss_inputs(pred, target)
    y = t.clamp(min=0)
    freq = z.new_ones(z.shape[1]) if class_freq is None else \
        class_freq.to(z)
    n = num_samples
    empty = None
    if reweight == 'rebalance':
        loss_weight, empty = rebalance_weight(y, freq, map_param)
    else:
        loss_weight = torch.ones_like(z)
    if logit_reg is not None:
        scale = logit_reg['neg_scale']
        bias = (logit_reg['init_bias'] / scale) * torch.log(freq / (n - freq))
        z = z + bias
        z = z * (1 - y) * scale + z * y
        loss_weight = loss_weight / scale * (1 - y) + loss_weight * y
    loss = F.binary_cross_entropy_with_logits(
        z, y, weight=loss_weight, reduction='none')
    if focal is not None:
        pt = torch.exp(-F.binary_cross_entropy_with_logits(
            z, y, reduction='none'))
        loss = focal['balance_param'] * (1 - pt)**focal['gamma'] * loss
    loss = weight_reduce_loss(loss, t, weight, unknown_as, reduction,
                              avg_factor)
    return (loss, empty) if return_no_positive else loss


def _checked(params: dict, keys: Tuple[str, ...], name: str) -> dict:
    """``params`` with exactly ``keys`` (unknown keys are rejected)."""
    if set(params) != set(keys):
        raise KeyError(f'DistributionBalancedLoss: {name} must have keys '
                       f'{keys}, got {sorted(params)}')
    return dict(params)
