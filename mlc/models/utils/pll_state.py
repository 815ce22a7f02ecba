"""Per-sample state of the partial-label methods (docs/conventions.md,
section 8)."""
from typing import Optional

import torch
from mmengine.dist import get_rank

from mlc.utils.choices import check_choice
from .candidate_table import CandidateTable
from .per_sample_state import PerSampleState
from .table_storage import STORAGES, use_sparse

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
      of its unreliable-sample loss), zero outside the candidate sets.
    - ``init_mask`` (N, C) uint8: initial candidate sets S⁰ (dense storage
      only).
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

    Storage: ``conf`` and ``init_mask`` are dense (N, C) buffers, or
    ``conf`` is a :class:`CandidateTable` (confidences held only on the
    candidates, aligned with a CSR of the candidate sets, which then
    stand for ``init_mask``; checkpoint keys ``state.conf.{dims,indptr,
    indices,values}``). Read rows with :meth:`conf_rows` and
    :meth:`mask_rows`; both storages give the same numbers. A loaded
    checkpoint brings its own storage.

    Args:
        storage (str): ``'dense'``, ``'sparse'`` or ``'auto'`` (sparse when
            N x C exceeds ``table_storage.MAX_DENSE_ENTRIES``). Defaults to
            ``'auto'``.
    """

    commit_hook = "dict(type='ConfidenceUpdateHook')"

    def __init__(self, storage: str = 'auto') -> None:
        super().__init__()
        check_choice('PLLState', 'storage', storage, STORAGES)
        self.storage = storage
        self.register_table('conf', torch.float32)
        for name, (dtype, shape) in STATE_BUFFERS.items():
            self.register_state(name, dtype, shape)

    @property
    def sparse(self) -> bool:
        """Whether ``conf`` is a :class:`CandidateTable`."""
        return isinstance(self.conf, CandidateTable)

    def conf_rows(self, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) float32 confidences of the (K,) sample indices ``idx``."""
        if self.sparse:
            return self.conf.rows(idx)
        return self.conf[idx.to(self.conf.device)]

    def mask_rows(self, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) uint8 initial candidate sets of the (K,) indices ``idx``."""
        if self.sparse:
            return self.conf.mask_rows(idx)
        return self.init_mask[idx.to(self.init_mask.device)]

    def same_candidates(self, candidates) -> bool:
        """Whether the (N, C) ``candidates`` are the sets of this state."""
        if self.sparse:
            return self.conf.same_candidates(candidates)
        return torch.equal(self.init_mask.cpu(), torch.as_tensor(
            candidates).cpu().to(torch.uint8))

    def initialize(self, candidates: torch.Tensor,
                   true_prior: Optional[torch.Tensor] = None,
                   queue_length: int = 0) -> None:
        """Size and fill the state from the (N, C) candidate sets (tensor
        or array; read in chunks for the sparse storage).

        Confidences start uniform over each candidate set, r̂ uniform, the
        queue empty, φ̄ zero (sized at its first update).
        """
        device = self.prior.device
        num_samples, num_classes = candidates.shape
        sparse = use_sparse(self.storage, num_samples, num_classes)
        self._set_storage(sparse)
        if sparse:
            self.conf.fill(candidates)
        else:
            cand = torch.as_tensor(candidates, device=device)
            empty = torch.nonzero(cand.sum(1) == 0)
            if len(empty):
                raise ValueError(f'PLLState: sample {int(empty[0])} has an '
                                 'empty candidate set')
            self.init_mask = cand.to(torch.uint8)
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
        if self.sparse:
            self.conf.reset_uniform()
        else:
            mask = self.init_mask.float()
            self.conf = mask / mask.sum(1, keepdim=True)
        self.queue.zero_()
        self.queue_len = torch.zeros((), dtype=torch.int64,
                                     device=self.prior.device)
        self.feat_mean = self.feat_mean.new_zeros(self.feat_mean.shape)
        self.feat_count = torch.zeros((), dtype=torch.int64,
                                      device=self.prior.device)
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

    def _set_storage(self, sparse: bool) -> None:
        """Make ``conf`` an empty table of the given storage (kept when it
        already is one); the sparse storage drops ``init_mask``."""
        if self.sparse == sparse:
            return
        device = self.prior.device
        delattr(self, 'conf')
        if sparse:
            self.conf = CandidateTable().to(device)
        else:
            self.register_buffer('conf', torch.zeros((0, 0), device=device))
        self.init_mask = self.init_mask.new_zeros((0, 0))

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        if prefix + 'conf' in state_dict:
            self._set_storage(sparse=False)
        elif prefix + 'conf.dims' in state_dict:
            self._set_storage(sparse=True)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def rank_tag(num: int, device) -> torch.Tensor:
    """(num, 1) column holding this process's rank (to find own rows in an
    all_gather result)."""
    return torch.full((num, 1), float(get_rank()), device=device)
