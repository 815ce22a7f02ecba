"""CheckpointHook whose work dir stays resumable when the run is killed."""
import glob
import os
import os.path as osp
import shutil
from typing import Dict, Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from mlc.engine.checkpoint_files import (
    TMP_SUFFIX,
    commit_file,
    write_text_atomically,
)
from mlc.registry import HOOKS


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` with crash-safe file handling.

    mmengine 0.10.7 deletes the checkpoint beyond ``max_keep_ckpts`` before
    writing the new one, writes in place and updates ``last_checkpoint``
    last, so a kill during an epoch-boundary save with ``max_keep_ckpts=1``
    leaves no complete checkpoint. Here every save (step and best
    checkpoints) goes to ``<name>.tmp``, is flushed and renamed into place;
    ``last_checkpoint`` is then replaced atomically, and only after that are
    the checkpoints beyond ``max_keep_ckpts`` and a superseded best
    checkpoint deleted. A kill at any moment leaves the previous or the new
    checkpoint complete and, at worst, a stale ``*.pth.tmp`` (deleted when
    training starts again) or, until the run is resumed, one checkpoint
    more than ``max_keep_ckpts``. Arguments are those of
    ``CheckpointHook``; the output directory must be local.
    """

    def before_train(self, runner) -> None:
        """Set up as ``CheckpointHook`` and drop files of a killed save."""
        super().before_train(runner)
        # a FileClient (deprecated file_client_args) wraps its backend
        backend = getattr(self.file_backend, 'client', self.file_backend)
        if not isinstance(backend, LocalBackend):
            raise ValueError(
                f'default_hooks.checkpoint: SafeCheckpointHook writes to a '
                f'local directory, but out_dir {self.out_dir!r} uses '
                f'{type(backend).__name__}; use '
                "type='CheckpointHook' for remote storage")
        if not is_main_process():
            return
        stale = glob.glob(osp.join(glob.escape(self.out_dir),
                                   f'*.pth{TMP_SUFFIX}'))
        stale.append(osp.join(runner.work_dir, 'last_checkpoint' + TMP_SUFFIX))
        for path in filter(osp.isfile, stale):
            runner.logger.info(f'Removing {path} left by an interrupted save')
            os.remove(path)

    def _save_atomically(self, runner, filename: str, **kwargs) -> None:
        """``runner.save_checkpoint`` to ``filename`` through a temp file."""
        runner.save_checkpoint(
            self.out_dir, filename + TMP_SUFFIX,
            file_client_args=self.file_client_args,
            backend_args=self.backend_args, **kwargs)
        if is_main_process():
            commit_file(osp.join(self.out_dir, filename + TMP_SUFFIX),
                        osp.join(self.out_dir, filename))

    @staticmethod
    def _remove(path: str) -> None:
        """Delete a checkpoint file (or a directory checkpoint) if present."""
        if osp.isfile(path):
            os.remove(path)
        elif osp.isdir(path):
            shutil.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """Save ``filename_tmpl.format(step)``: temp file, rename,
        ``last_checkpoint``, then delete the checkpoint beyond
        ``max_keep_ckpts``."""
        dropped = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                dropped = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            # the new checkpoint still lists the step it supersedes: a run
            # killed before deleting that one and resumed from the new one
            # deletes it in CheckpointHook.before_train
            pending = [] if dropped is None else [dropped]
            runner.message_hub.update_info(
                'keep_ckpt_ids', pending + list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        self._save_atomically(
            runner, filename, save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta,
            by_epoch=self.by_epoch, **self.args)
        if dropped is not None:
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        if not is_main_process():
            return
        write_text_atomically(osp.join(runner.work_dir, 'last_checkpoint'),
                              self.last_ckpt)
        if dropped is not None:
            self._remove(osp.join(self.out_dir,
                                  self.filename_tmpl.format(dropped)))

    def _best_paths(self) -> Dict[str, Optional[str]]:
        """Current best checkpoint per key indicator."""
        if len(self.key_indicators) == 1:
            return {self.key_indicators[0]: self.best_ckpt_path}
        return dict(self.best_ckpt_path_dict)

    def _save_best_checkpoint(self, runner, metrics: dict) -> None:
        """Save a new best checkpoint atomically, re-save the step
        checkpoint (it records the new best), then delete the old best.

        Same selection logic and file names as ``CheckpointHook``.
        """
        if not self.save_best:
            return
        if 'auto' in self.key_indicators:
            self._init_rule(self.rules, [list(metrics.keys())[0]])
        step = runner.epoch if self.by_epoch else runner.iter
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        single = len(self.key_indicators) == 1
        previous = self._best_paths()
        updated = []
        for key, rule in zip(self.key_indicators, self.rules):
            score_key = 'best_score' if single else f'best_score_{key}'
            best = runner.message_hub.get_info(score_key,
                                               self.init_value_map[rule])
            score = metrics[key]
            if score is None or not self.is_better_than[key](score, best):
                continue
            runner.message_hub.update_info(score_key, score)
            name = f'best_{key}_{self.filename_tmpl.format(step)}'.replace(
                '/', '_')
            path = osp.join(self.out_dir, name)
            if single:
                self.best_ckpt_path = path
                runner.message_hub.update_info('best_ckpt', path)
            else:
                self.best_ckpt_path_dict[key] = path
                runner.message_hub.update_info(f'best_ckpt_{key}', path)
            self._save_atomically(runner, name, save_optimizer=False,
                                  save_param_scheduler=False, meta=meta,
                                  by_epoch=False)
            unit = 'epoch' if self.by_epoch else 'iter'
            runner.logger.info(f'The best checkpoint with {score:0.4f} {key} '
                               f'at {step} {unit} is saved to {name}.')
            updated.append(key)
        if updated and self.last_ckpt is not None:
            self._save_checkpoint_with_step(runner, step, meta)
        if not is_main_process():
            return
        current = self._best_paths()
        for key in updated:
            old = previous[key]
            if old and old != current[key] and osp.exists(old):
                self._remove(old)
                runner.logger.info(f'The previous best checkpoint {old} is '
                                   'removed')
