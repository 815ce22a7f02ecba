"""Per-sample state of the partial-label methods (docs/conventions.md §8)."""
from typing import Optional

import torch
from mmengine.dist import get_rank

from .per_sample_state import PerSampleState

#: buffers other than the ``conf`` table, their dtypes and empty shapes; all
#: are sized by :meth:`PLLState.initialize` or by a loaded checkpoint
STATE_BUFFERS = dict(init_mask=(torch.uint8, (0, 0)),
                     feat_mean=(torch.float32, (0, )),
                     feat_count=(torch.int64, ()),
                     prior=(torch.float32, (0, )),
                     true_prior=(torch.float32, (0, )),
                     queue=(torch.float32, (0, 0)),
                     queue_len=(torch.int64, ()),
                     stage=(torch.int64, ()))


class PLLState(PerSampleState):
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

    A :class:`PerSampleState`: ``conf`` is its table. Heads stage a step's
    (K,) indices and (K, C) confidence rows of this rank with
    ``stage_rows('conf', ...)`` and the rank-global ``feat_mean`` (d,) and
    ``queue_rows`` (K', C) with :meth:`stage_values`;
    ``ConfidenceUpdateHook`` commits them after the optimiser step, so all
    ranks hold identical state. Everything is saved in checkpoints
    (``state.<buffer>``); a loaded checkpoint resizes the buffers.
    """

    commit_hook = "dict(type='ConfidenceUpdateHook')"

    def __init__(self) -> None:
        super().__init__()
        self.register_table('conf', torch.float32)
        for name, (dtype, shape) in STATE_BUFFERS.items():
            self.register_state(name, dtype, shape)

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
        self.discard_staged()

    def blend_prior(self, estimate: torch.Tensor, gamma: float) -> None:
        """r̂ ← γ·estimate + (1 − γ)·r̂ (SoLar's per-epoch update)."""
        self.prior.copy_(gamma * estimate + (1 - gamma) * self.prior)

    def start_stage2(self) -> None:
        """Restart for SoLar's second stage (see :meth:`reset_stage_state`),
        keeping r̂, and mark ``stage`` 1."""
        prior = self.prior.clone()
        self.reset_stage_state()
        self.prior.copy_(prior)
        self.stage.fill_(1)

    @property
    def queue_full(self) -> bool:
        return self.queue.shape[0] > 0 and \
            int(self.queue_len) == self.queue.shape[0]

    def apply_values(self, values: dict) -> None:
        """Apply a step's rank-global ``feat_mean`` (d,) (φ̄ after the
        step) and ``queue_rows`` (K', C) (appended to the FIFO); either may
        be None."""
        if values.get('feat_mean') is not None:
            self.feat_mean = values['feat_mean'].detach().float().clone()
            self.feat_count += 1
        rows = values.get('queue_rows')
        if rows is not None and self.queue.shape[0] > 0:
            length = self.queue.shape[0]
            self.queue = torch.cat([self.queue, rows.float()])[-length:]
            self.queue_len = torch.clamp(self.queue_len + rows.shape[0],
                                         max=length)


def rank_tag(num: int, device) -> torch.Tensor:
    """(num, 1) column holding this process's rank (to find own rows in an
    all_gather result)."""
    return torch.full((num, 1), float(get_rank()), device=device)
