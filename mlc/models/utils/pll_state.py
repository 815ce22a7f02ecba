"""Per-sample state of the partial-label methods (conventions §8)."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.dist import get_rank

from mlc.utils.dist import all_gather_rows, keep_last
from .lazy_buffers import resize_buffers_from

#: buffers and their dtypes; all start empty and are sized by
#: :meth:`PLLState.initialize` or by a loaded checkpoint
BUFFERS = dict(conf=torch.float32, init_mask=torch.uint8,
               feat_mean=torch.float32, feat_count=torch.int64,
               prior=torch.float32, true_prior=torch.float32,
               queue=torch.float32, queue_len=torch.int64,
               stage=torch.int64)


class PLLState(nn.Module):
    """Buffers of CORR / RECORDS / PRODEN / SoLar, in the submodule ``state``.

    - ``conf`` (N, C) float32: confidence table (SoLar: the PRODEN weights
      of its unreliable-sample loss).
    - ``init_mask`` (N, C) uint8: initial candidate sets S⁰.
    - ``feat_mean`` (d,) float32 and ``feat_count`` (): RECORDS momentum
      feature mean φ̄ and its number of updates (0 = zero-initialised).
    - ``prior`` (C,) float32: SoLar's class-prior estimate r̂ (uniform at
      start).
    - ``true_prior`` (C,) float32: the training set's true class frequencies,
      for logging and the Oracle-LA baseline only.
    - ``queue`` (Q, C) float32, ``queue_len`` (): SoLar's FIFO of past
      Sinkhorn cost rows (oldest first) and how many rows are filled.
    - ``stage`` (): SoLar training stage (0 or 1).

    Heads compute the new rows of a step and store them in :attr:`pending`;
    :class:`ConfidenceUpdateHook` applies them after the optimiser step with
    :meth:`commit`, gathering per-sample rows from every rank (rank order),
    so all ranks hold identical tables. Everything is saved in checkpoints; a
    loaded checkpoint resizes the buffers to its shapes.
    """

    def __init__(self) -> None:
        super().__init__()
        for name, dtype in BUFFERS.items():
            shape = (0, ) if name not in ('conf', 'init_mask', 'queue') \
                else (0, 0)
            if name in ('feat_count', 'queue_len', 'stage'):
                shape = ()
            self.register_buffer(name, torch.zeros(shape, dtype=dtype))
        self.pending: Optional[dict] = None

    @property
    def num_samples(self) -> int:
        return self.conf.shape[0]

    def initialize(self, candidates: torch.Tensor,
                   true_prior: Optional[torch.Tensor] = None,
                   queue_length: int = 0) -> None:
        """Size and fill the state from the (N, C) candidate sets.

        Confidences start uniform over each candidate set, r̂ uniform, the
        queue empty, φ̄ zero (sized at its first update).
        """
        device = self.conf.device
        cand = torch.as_tensor(candidates, device=device)
        sizes = cand.sum(1, keepdim=True)
        if (sizes == 0).any():
            raise ValueError('PLLState: a sample has an empty candidate set')
        num_classes = cand.shape[1]
        self.init_mask = cand.to(torch.uint8)
        self.conf = cand.float() / sizes.float()
        self.prior = torch.full((num_classes, ), 1. / num_classes,
                                device=device)
        self.true_prior = torch.zeros(num_classes, device=device) \
            if true_prior is None else torch.as_tensor(
                true_prior, dtype=torch.float32, device=device)
        self.queue = torch.zeros(queue_length, num_classes, device=device)
        self.reset_stage_state()
        self.stage = torch.zeros((), dtype=torch.int64, device=device)

    def reset_stage_state(self) -> None:
        """Uniform confidences, empty queue, zero feature mean (a new model
        of SoLar's second stage starts from these; r̂ is kept)."""
        mask = self.init_mask.float()
        self.conf = mask / mask.sum(1, keepdim=True)
        self.queue.zero_()
        self.queue_len = torch.zeros((), dtype=torch.int64,
                                     device=self.conf.device)
        self.feat_mean = self.feat_mean.new_zeros(self.feat_mean.shape)
        self.feat_count = torch.zeros((), dtype=torch.int64,
                                      device=self.conf.device)
        self.pending = None

    @property
    def queue_full(self) -> bool:
        return self.queue.shape[0] > 0 and \
            int(self.queue_len) == self.queue.shape[0]

    def set_pending(self, **updates) -> None:
        """Store a step's updates: ``idx`` (K,) + ``rows`` (K, C) local
        confidence rows, ``feat_mean`` (d,) (already global),
        ``queue_rows`` (K', C) (already global)."""
        if self.pending is not None:
            raise RuntimeError(
                'PLLState: the previous step\'s updates were never applied; '
                'add ConfidenceUpdateHook to custom_hooks')
        self.pending = updates

    @torch.no_grad()
    def commit(self) -> None:
        """Apply the pending updates of the last step on every rank."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        if 'rows' in pending:
            idx, rows = keep_last(*all_gather_rows(pending['idx'],
                                                   pending['rows']))
            self.conf[idx] = rows.to(self.conf.dtype)
        if pending.get('feat_mean') is not None:
            self.feat_mean = pending['feat_mean'].detach().float().clone()
            self.feat_count += 1
        rows = pending.get('queue_rows')
        if rows is not None and self.queue.shape[0] > 0:
            length = self.queue.shape[0]
            self.queue = torch.cat([self.queue, rows.float()])[-length:]
            self.queue_len = torch.clamp(self.queue_len + rows.shape[0],
                                         max=length)

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        resize_buffers_from(self, state_dict, prefix, BUFFERS)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def rank_tag(num: int, device) -> torch.Tensor:
    """(num, 1) column holding this process's rank (to find own rows in an
    all_gather result)."""
    return torch.full((num, 1), float(get_rank()), device=device)
