"""SoLar's per-epoch class-prior estimate."""
import copy
from typing import Sequence

import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mlc.registry import HOOKS
from mlc.utils.dist import all_reduce_sum
from .model_protocols import unwrap_model


@HOOKS.register_module()
class SoLarPriorHook(Hook):
    """After every training epoch: pass the training set with the test
    transform, histogram argmax_k (softmax(f(x)) ⊙ Y)_k into r̂_epoch
    (sharded over ranks, histogram all_reduced), and set
    r̂ ← γ·r̂_epoch + (1 − γ)·r̂ in ``model.state.prior``; γ is
    ``gamma[state.stage]`` (stage 1 / stage 2 of ``TwoStageTrainLoop``).

    Args:
        dataloader (dict): Loader of the training set with the test pipeline
            (``sampler=dict(type='DefaultSampler', shuffle=False,
            round_up=False)`` so no sample is counted twice). Without a
            ``dataset`` key it uses the runner's ``train_dataloader.dataset``
            with the pipeline of ``test_dataloader.dataset``, so the
            training set cannot drift from the one the state table indexes.
        gamma (Sequence[float]): (γ₁, γ₂). Defaults to (0.1, 0.01).
    """

    priority = 'NORMAL'

    def __init__(self, dataloader: dict,
                 gamma: Sequence[float] = (0.1, 0.01)) -> None:
        self.dataloader_cfg = dataloader
        self.gamma = tuple(gamma)
        self._loader = None

    @torch.no_grad()
    def after_train_epoch(self, runner) -> None:
        if self._loader is None:
            self._loader = Runner.build_dataloader(
                self._resolve_loader_cfg(runner.cfg), seed=runner.seed)
        model = unwrap_model(runner.model)
        state = model.state
        if len(self._loader.dataset) != state.num_samples:
            raise RuntimeError(
                f'SoLarPriorHook: its dataset has {len(self._loader.dataset)}'
                f' samples, the state table {state.num_samples}; it must be '
                'the training set (same file, order and indices) with the '
                'test pipeline')
        was_training = model.training
        model.eval()
        hist = torch.zeros_like(state.prior, dtype=torch.float64)
        for data in self._loader:
            hist += torch.bincount(model.prior_votes(data),
                                   minlength=hist.numel()).to(hist)
        model.train(was_training)
        all_reduce_sum(hist)
        gamma = self.gamma[min(int(state.stage), len(self.gamma) - 1)]
        state.blend_prior((hist / hist.sum().clamp_min(1)).to(state.prior),
                          gamma)
        runner.message_hub.update_scalar('train/solar_gamma', gamma)

    def _resolve_loader_cfg(self, cfg) -> dict:
        """The hook's loader config with its default dataset filled in."""
        loader = copy.deepcopy(dict(self.dataloader_cfg))
        if 'dataset' in loader:
            return loader
        train_set = copy.deepcopy(cfg.get('train_dataloader',
                                          {}).get('dataset'))
        test_set = cfg.get('test_dataloader', {}).get('dataset', {})
        if not train_set or 'pipeline' not in train_set \
                or 'pipeline' not in test_set:
            raise ValueError(
                'SoLarPriorHook: dataloader has no dataset and the config has '
                'no train_dataloader.dataset.pipeline and test_dataloader.'
                'dataset.pipeline to build one from (dataset wrappers need '
                'an explicit dataloader.dataset)')
        train_set['pipeline'] = copy.deepcopy(test_set['pipeline'])
        loader['dataset'] = train_set
        return loader
