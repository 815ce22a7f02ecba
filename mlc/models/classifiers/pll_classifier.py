"""Classifier of the partial-label methods (CORR, RECORDS, PRODEN, SoLar)."""
from typing import List, Optional, Tuple

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.structures import DataSample

from mlc.models.utils.pll_state import PLLState
from mlc.registry import MODELS


@MODELS.register_module()
class PLLClassifier(ImageClassifier):
    """Backbone → neck (pooled feature φ) → PLL head, with per-sample state.

    All views of a batch (weak, strong, mixed, ...) go through the backbone
    in **one** forward on the concatenated tensor, so BN statistics are
    shared as in the RECORDS code. The submodule ``state``
    (:class:`PLLState`) holds the confidence table, initial candidate mask,
    feature mean, SoLar queue and prior. Hook protocol
    (``ConfidenceUpdateHook``, docs/conventions.md, section 8):
    :meth:`init_state`
    before
    training, the epoch protocol (:meth:`set_epoch`), :meth:`set_iteration`
    before each step, the per-sample-state commit after it, and
    :meth:`prior_estimate` / :meth:`prior_votes` (SoLar's prior hook).

    The head (``PLLLinearHead`` or ``SoLarHead``) implements the method's
    training step (``head.loss(model, views, idx)``) and prediction.

    Args:
        backbone, neck, head, data_preprocessor, init_cfg: As
            :class:`ImageClassifier`; ``data_preprocessor`` defaults to
            ``MultiViewClsDataPreprocessor``.
        state_storage (str): Storage of the confidence table,
            ``'dense'``, ``'sparse'`` (only the candidate entries) or
            ``'auto'`` (by size). Defaults to ``'auto'``.
    """

    def __init__(self, backbone: dict, neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 state_storage: str = 'auto', **kwargs) -> None:
        data_preprocessor = dict(data_preprocessor or {})
        data_preprocessor.setdefault('type', 'MultiViewClsDataPreprocessor')
        # built from the mlc registry (mmpretrain's would miss mlc types
        # outside an 'mlc' default scope)
        data_preprocessor, backbone, neck, head = (
            MODELS.build(cfg) if isinstance(cfg, dict) else cfg
            for cfg in (data_preprocessor, backbone, neck, head))
        super().__init__(backbone=backbone, neck=neck, head=head,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg, **kwargs)
        self.state = PLLState(state_storage)
        #: epoch within the stage, iteration and run seed of the coming step
        self.train_epoch, self.train_iter, self.rng_seed = 0, 0, 0

    # ------------------------------------------------------ hook protocol
    def init_state(self, candidates: torch.Tensor,
                   true_prior: Optional[torch.Tensor] = None) -> None:
        """Size ``state`` from the (N, C) training candidate sets (uniform
        confidences) unless a checkpoint already did; a loaded state must
        hold the same candidate sets."""
        if self.state.needs_init(candidates.shape):
            self.state.initialize(candidates, true_prior,
                                  self.head.queue_length)
        elif not self.state.same_candidates(candidates):
            raise RuntimeError('PLLClassifier: the loaded state was made for '
                               'other candidate sets')

    def set_epoch(self, epoch: int) -> None:
        """Epoch protocol: 0-based epoch within the training stage."""
        self.train_epoch = epoch

    def set_iteration(self, iteration: int, seed: int) -> None:
        """Global iteration and run seed of the coming step (they seed the
        mixup draws, so a resumed run draws the same)."""
        self.train_iter, self.rng_seed = iteration, seed

    def prior_estimate(self) -> Optional[torch.Tensor]:
        """(C,) the head's current class-prior estimate, or None."""
        return self.head.prior_estimate(self.state)

    @torch.no_grad()
    def prior_votes(self, data: dict) -> torch.Tensor:
        """(B,) argmax_k (softmax(f(x)) ⊙ S⁰)_k of a batch of training
        samples (test pipeline): each sample's vote for SoLar's prior."""
        data = self.data_preprocessor(data, False)
        idx = torch.as_tensor([s.sample_idx for s in data['data_samples']],
                              device=self.state.prior.device)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            inputs = inputs[0]
        logits = self.head(self.pooled_feat(inputs))
        score = logits.float().softmax(1) * self.state.mask_rows(idx).float()
        return score.argmax(1)

    def pooled_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, d) pooled feature φ (last neck output)."""
        feats = self.extract_feat(inputs)
        return feats[-1] if isinstance(feats, (tuple, list)) else feats

    def forward_views(self, views: List[torch.Tensor]
                      ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Logits and features of each view from one batched forward.

        Returns:
            tuple: V (B_v, C) logits and V (B_v, d) features.
        """
        sizes = [v.shape[0] for v in views]
        feat = self.pooled_feat(torch.cat(views))
        logits = self.head(feat)
        return list(logits.split(sizes)), list(feat.split(sizes))

    def loss(self, inputs, data_samples: List[DataSample]) -> dict:
        """Training step: ``inputs`` is a list of V (B, 3, H, W) views (or
        one tensor)."""
        if self.state.num_samples == 0:
            raise RuntimeError(
                'PLLClassifier: the per-sample state is empty; add '
                "dict(type='ConfidenceUpdateHook') to custom_hooks")
        views = list(inputs) if isinstance(inputs, (list, tuple)) \
            else [inputs]
        idx = torch.as_tensor([s.sample_idx for s in data_samples],
                              dtype=torch.long, device=views[0].device)
        if idx.numel() and int(idx.max()) >= self.state.num_samples:
            raise IndexError(
                f'PLLClassifier: sample_idx {int(idx.max())} outside the '
                f'state table of {self.state.num_samples} samples (the train '
                'set changed since the state was sized?)')
        return self.head.loss(self, views, idx)

    def predict(self, inputs, data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Predictions (softmax scores) of single-view inputs."""
        if isinstance(inputs, (list, tuple)):
            inputs = inputs[0]
        logits = self.head(self.pooled_feat(inputs))
        return self.head.predict(logits, self.state, data_samples)
