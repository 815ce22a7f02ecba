"""SoLar's two-stage training (prior pre-estimation, then final training)."""
from typing import List, Optional, Union

import torch
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmengine.runner import EpochBasedTrainLoop
from torch.nn.modules.batchnorm import _BatchNorm

from mlc.registry import LOOPS
from ..hooks.model_protocols import unwrap_model


def reinit_model(model, seed: int) -> None:
    """Re-initialise every parameter (``reset_parameters`` of plain layers,
    BN statistics included, then ``init_weights``) from a fixed seed, so all
    ranks and a resumed run get the same fresh model; the global RNG state is
    left untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for module in model.modules():
            if isinstance(module, BaseModule):
                module._is_init = False
            if isinstance(module, _BatchNorm) or (
                    hasattr(module, 'reset_parameters')
                    and not isinstance(module, BaseModule)):
                module.reset_parameters()
        model.init_weights()


#: keys of ``stage_cosine`` that the stage lengths fix
STAGE_COSINE_FIXED = ('type', 'by_epoch', 'T_max', 'begin', 'end')


def stage_cosines(stage1_epochs: int, max_epochs: int,
                  **cosine) -> List[dict]:
    """SoLar's restarted schedule: one by-epoch ``CosineAnnealingLR`` per
    stage, both with ``T_max`` = the stage-2 length (``max_epochs -
    stage1_epochs``), the first over epochs [0, stage1_epochs), the second
    over [stage1_epochs, max_epochs).

    Args:
        stage1_epochs (int): Epochs of stage 1.
        max_epochs (int): Total epochs.
        **cosine: Other ``CosineAnnealingLR`` arguments (``eta_min``, ...).

    Returns:
        list[dict]: The two scheduler configs.
    """
    fixed = sorted(set(cosine) & set(STAGE_COSINE_FIXED))
    if fixed:
        raise ValueError(f'TwoStageTrainLoop: stage_cosine may not set '
                         f'{fixed}; the stage lengths fix them')
    t_max = max_epochs - stage1_epochs
    return [dict(type='CosineAnnealingLR', by_epoch=True, T_max=t_max,
                 begin=begin, end=end, **cosine)
            for begin, end in ((0, stage1_epochs),
                               (stage1_epochs, max_epochs))]


@LOOPS.register_module()
class TwoStageTrainLoop(EpochBasedTrainLoop):
    """Epoch loop of SoLar: ``stage1_epochs`` epochs of prior pre-estimation,
    then a **new** model trained for the remaining epochs.

    At the first epoch of stage 2 the model is re-initialised (seeded by the
    run seed), the optimiser state cleared, the learning rates reset to their
    initial values, and ``model.state`` restarts (uniform
    confidences, empty queue, zero feature mean, ``stage = 1``) keeping the
    prior r̂ estimated in stage 1. Hooks read :attr:`stage_start_epoch` to
    count epochs within the stage. The stage lives in ``state.stage`` (in
    checkpoints), so a resumed run continues in the right stage.

    With ``stage_cosine`` the loop sets the runner's schedulers to SoLar's
    restarted cosine (:func:`stage_cosines`), so a config only sets the
    stage lengths; the config's ``param_scheduler`` must then be ``None``.
    Without it, give stage 2 its own schedulers with
    ``begin=stage1_epochs``.

    Args:
        runner: The runner.
        dataloader (dict | DataLoader): Training loader.
        stage1_epochs (int): Epochs of stage 1.
        max_epochs (int): Total epochs (stage 1 + stage 2).
        stage_cosine (dict, optional): ``CosineAnnealingLR`` arguments of
            the restarted cosine (e.g. ``dict(eta_min=1e-5)``); None leaves
            the config's ``param_scheduler``. Defaults to None.
        **kwargs: Other :class:`EpochBasedTrainLoop` arguments.
    """

    def __init__(self, runner, dataloader: Union[dict, object],
                 stage1_epochs: int, max_epochs: int,
                 stage_cosine: Optional[dict] = None, **kwargs) -> None:
        if not 0 < stage1_epochs < max_epochs:
            raise ValueError('TwoStageTrainLoop: need 0 < stage1_epochs < '
                             f'max_epochs, got {stage1_epochs}, {max_epochs}')
        if stage_cosine is not None:
            if not isinstance(stage_cosine, dict):
                raise TypeError(
                    'TwoStageTrainLoop: stage_cosine must be a dict of '
                    'CosineAnnealingLR arguments, e.g. dict(eta_min=1e-5), '
                    f'got {stage_cosine!r}')
            if runner.param_schedulers:
                raise ValueError(
                    'TwoStageTrainLoop: stage_cosine sets the schedulers; '
                    'set param_scheduler = None, got '
                    f'{runner.param_schedulers}')
            # built by the runner right after this loop
            runner.param_schedulers = stage_cosines(
                stage1_epochs, max_epochs, **stage_cosine)
        super().__init__(runner, dataloader, max_epochs=max_epochs, **kwargs)
        self.stage1_epochs = stage1_epochs

    @property
    def stage_start_epoch(self) -> int:
        return self.stage1_epochs if self._epoch >= self.stage1_epochs else 0

    def run_epoch(self) -> None:
        if self._epoch == self.stage1_epochs:
            self.start_stage2()
        super().run_epoch()

    def start_stage2(self) -> None:
        runner = self.runner
        model = unwrap_model(runner.model)
        state = model.state
        if int(state.stage) >= 1:
            return  # resumed inside stage 2
        prior = state.prior.clone()
        reinit_model(model, int(runner.seed or 0) + 1)
        optimizer = runner.optim_wrapper.optimizer
        optimizer.state.clear()
        for group in optimizer.param_groups:
            if 'initial_lr' in group:
                group['lr'] = group['initial_lr']
        state.start_stage2()
        MMLogger.get_current_instance().info(
            f'TwoStageTrainLoop: stage 2 starts at epoch {self._epoch} with a '
            f'new model; prior r̂ = {prior.cpu().numpy().round(4).tolist()}')
