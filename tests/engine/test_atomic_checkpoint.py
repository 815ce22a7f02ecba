"""SafeCheckpointHook: a run SIGKILLed at any moment, inside a checkpoint
save included, leaves a work dir that ``tools/train.py --resume`` resumes
and finishes (``max_keep_ckpts=1`` and a best checkpoint, as the
DigitMosaic runtime)."""
import gc
import glob
import multiprocessing
import os
import os.path as osp
import signal
import zipfile

import pytest
import torch
from _helpers import load_script
from conftest import make_tiny_dataset, tiny_config
from mmengine.config import Config
from mmengine.fileio import LocalBackend
from mmengine.runner import EpochBasedTrainLoop

import mlc  # noqa: F401  (safe globals for torch.load)
from mlc.engine.checkpoint_files import (
    checkpoint_problem,
    find_resumable_checkpoint,
    write_text_atomically,
)
from mlc.utils import register_all_modules

train_tool = load_script('tools/train.py', 'mlc_train_tool')


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _install_kill(where: str, target) -> None:
    """Make this (child) process SIGKILL itself at one point of the run.

    ``put``: a checkpoint whose name starts with ``target`` is half written;
    ``replace``: right after a file is renamed onto ``target``; ``remove``:
    right before ``target`` is deleted; ``iter``: at the second iteration
    of epoch index ``target``.
    """
    if where == 'put':
        put = LocalBackend.put

        def half_put(self, obj, filepath):
            if osp.basename(filepath).startswith(target):
                with open(filepath, 'wb') as f:
                    f.write(obj[:len(obj) // 2])
                _die()
            put(self, obj, filepath)
        LocalBackend.put = half_put
    elif where == 'replace':
        replace = os.replace

        def replace_then_die(src, dst):
            replace(src, dst)
            if osp.basename(dst) == target:
                _die()
        os.replace = replace_then_die
    elif where == 'remove':
        remove = os.remove

        def die_before_remove(path):
            if osp.basename(path) == target:
                _die()
            remove(path)
        os.remove = die_before_remove
    elif where == 'iter':
        run_iter = EpochBasedTrainLoop.run_iter

        def die_at_iter(self, idx, data_batch):
            if self._epoch == target and idx == 1:
                _die()
            run_iter(self, idx, data_batch)
        EpochBasedTrainLoop.run_iter = die_at_iter


def _train(cfg_path: str, resume: bool, kill) -> None:
    torch.set_num_threads(1)
    if kill is not None:
        _install_kill(*kill)
    train_tool.main([cfg_path, *(['--resume'] if resume else [])])


def train_in_child(cfg_path: str, resume: bool, kill=None) -> int:
    """Run tools/train.py's main in a forked process; its exit code.

    The modules are imported once here and the inherited objects frozen,
    so a child neither re-imports nor garbage-collects them (speed only).
    """
    import matplotlib.pyplot  # noqa: F401  (imported by the Visualizer)
    register_all_modules(init_default_scope=False)
    gc.freeze()
    child = multiprocessing.get_context('fork').Process(
        target=_train, args=(cfg_path, resume, kill))
    child.start()
    gc.unfreeze()
    child.join(120)
    assert not child.is_alive(), 'training child hung'
    return child.exitcode


@pytest.fixture
def tiny_val_data(tmp_path):
    """16 train, 8 val and 8 test images: 2 iterations per epoch."""
    root = str(tmp_path / 'tiny')
    for split, num, seed in (('train', 16, 0), ('val', 8, 1), ('test', 8, 2)):
        make_tiny_dataset(root, num=num, split=split, seed=seed)
    return root


def safe_config(root: str, work_dir: str, hook_type: str) -> dict:
    cfg = tiny_config(root, work_dir, max_epochs=4)
    cfg['val_dataloader']['dataset']['ann_file'] = 'val.json'
    cfg['val_evaluator'] = dict(type='MLCAveragePrecision')
    cfg['default_hooks']['checkpoint'] = dict(
        type=hook_type, interval=1, max_keep_ckpts=1,
        save_best='multi-label/mAP', rule='greater')
    return cfg


def resumable_epoch(work_dir: str) -> int:
    path, _ = find_resumable_checkpoint(work_dir)
    assert path is not None, os.listdir(work_dir)
    return torch.load(path, weights_only=True)['meta']['epoch']


def run_kill_chain(tmp_path, root, hook_type):
    work_dir = str(tmp_path / 'work')
    cfg_path = str(tmp_path / 'cfg.py')
    Config(safe_config(root, work_dir, hook_type)).dump(cfg_path)
    # (where the run dies, the epoch a resume then starts from)
    chain = [
        (('put', 'best_'), 1),  # writing epoch 1's best checkpoint
        (('put', 'epoch_2.pth'), 1),  # writing epoch 2's checkpoint
        (('replace', 'epoch_2.pth'), 1),  # epoch_2 in place, pointer not
        (('remove', 'epoch_2.pth'), 3),  # epoch_3 saved, epoch_2 not deleted
        (('iter', 3), 3),  # inside epoch 4
    ]
    for step, (kill, epoch) in enumerate(chain):
        code = train_in_child(cfg_path, resume=step > 0, kill=kill)
        assert code == -signal.SIGKILL, (kill, code)
        assert resumable_epoch(work_dir) == epoch, (kill,
                                                    os.listdir(work_dir))
    assert train_in_child(cfg_path, resume=True) == 0
    return work_dir


def test_kill_at_any_moment_leaves_a_resumable_work_dir(tiny_val_data,
                                                        tmp_path):
    work_dir = run_kill_chain(tmp_path, tiny_val_data, 'SafeCheckpointHook')
    final = torch.load(osp.join(work_dir, 'epoch_4.pth'), weights_only=True)
    assert final['meta']['epoch'] == 4
    assert final['message_hub']['runtime_info']['keep_ckpt_ids'] == [4]
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, 'epoch_4.pth')
    # max_keep_ckpts=1 holds again (epoch_2 left by the kill before its
    # deletion is gone) and the files of killed saves were cleaned up
    names = sorted(os.listdir(work_dir))
    assert [n for n in names if n.startswith('epoch_')] == ['epoch_4.pth']
    assert not [n for n in names if n.endswith('.tmp')], names
    best = glob.glob(osp.join(work_dir, 'best_*.pth'))
    assert len(best) == 1 and checkpoint_problem(best[0]) is None


def test_truncated_files_are_detected_and_skipped(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    for epoch in (1, 2, 3):
        torch.save(dict(meta=dict(epoch=epoch)), work / f'epoch_{epoch}.pth')
    data = (work / 'epoch_3.pth').read_bytes()
    (work / 'epoch_3.pth').write_bytes(data[:len(data) // 2])
    (work / 'epoch_2.pth').write_bytes(b'')
    with zipfile.ZipFile(work / 'iter_9.pth', 'w') as archive:
        archive.writestr('notes.txt', 'not a checkpoint')
    assert 'truncated' in checkpoint_problem(str(work / 'epoch_3.pth'))
    assert 'truncated' in checkpoint_problem(str(work / 'epoch_2.pth'))
    assert 'no data.pkl' in checkpoint_problem(str(work / 'iter_9.pth'))
    assert checkpoint_problem(str(work / 'nothing.pth')) == 'does not exist'
    # last_checkpoint names the truncated epoch_3: the newest complete
    # checkpoint is chosen and the skipped ones are named
    write_text_atomically(str(work / 'last_checkpoint'),
                          str(work / 'epoch_3.pth'))
    path, skipped = find_resumable_checkpoint(str(work))
    assert path == str(work / 'epoch_1.pth')
    for name in ('epoch_3.pth', 'epoch_2.pth', 'iter_9.pth'):
        assert name in skipped
    assert not (work / 'last_checkpoint.tmp').exists()
    (work / 'epoch_1.pth').unlink()
    assert find_resumable_checkpoint(str(work))[0] is None


class FakeRunner:
    """What CheckpointHook uses of a Runner; saves record the keep list."""

    def __init__(self, work_dir):
        from mmengine.logging import MessageHub, MMLogger
        self.work_dir = work_dir
        self.epoch = self.iter = 0
        self.message_hub = MessageHub.get_instance('atomic_checkpoint_test')
        self.logger = MMLogger.get_instance('atomic_checkpoint_test')
        self.saved = []

    def save_checkpoint(self, out_dir, filename, meta, **kwargs):
        keep = self.message_hub.get_info('keep_ckpt_ids')
        self.saved.append((filename, keep))
        torch.save(dict(meta=meta, keep=keep), osp.join(out_dir, filename))


def test_old_files_are_deleted_only_after_the_new_ones_are_in_place(
        tmp_path, monkeypatch):
    from mlc.engine.hooks import SafeCheckpointHook
    events = []
    replace, remove = os.replace, os.remove
    monkeypatch.setattr(os, 'replace', lambda src, dst: (
        events.append(('replace', osp.basename(src), osp.basename(dst))),
        replace(src, dst)))
    monkeypatch.setattr(os, 'remove', lambda path: (
        events.append(('remove', osp.basename(path))), remove(path)))
    runner = FakeRunner(str(tmp_path))
    hook = SafeCheckpointHook(interval=1, max_keep_ckpts=1,
                              save_best='mAP', rule='greater')
    (tmp_path / 'epoch_9.pth.tmp').write_bytes(b'left by a killed save')
    hook.before_train(runner)
    assert events == [('remove', 'epoch_9.pth.tmp')]
    best = 'best_mAP_epoch_{}.pth'
    for epoch, score in ((1, 0.5), (2, 0.7)):
        events.clear()
        hook._save_checkpoint(runner)  # after_train_epoch
        runner.epoch, runner.iter = epoch, 2 * epoch
        hook.after_val_epoch(runner, dict(mAP=score))
        saved = [('replace', f'epoch_{epoch}.pth.tmp', f'epoch_{epoch}.pth'),
                 ('replace', 'last_checkpoint.tmp', 'last_checkpoint')]
        expected = saved[:]
        if epoch > 1:
            expected.append(('remove', 'epoch_1.pth'))
        expected += [('replace', best.format(epoch) + '.tmp',
                      best.format(epoch)), *saved]
        if epoch > 1:
            expected.append(('remove', best.format(1)))
        assert events == expected
    assert sorted(os.listdir(tmp_path)) == [best.format(2), 'epoch_2.pth',
                                            'last_checkpoint']
    # a step checkpoint lists the step it supersedes (a run resumed from it
    # deletes that one), the re-save after the deletion no longer does
    assert runner.saved[-3:] == [('epoch_2.pth.tmp', [1, 2]),
                                 (best.format(2) + '.tmp', [2]),
                                 ('epoch_2.pth.tmp', [2])]
    assert torch.load(tmp_path / 'epoch_2.pth')['keep'] == [2]
    assert runner.message_hub.get_info('best_ckpt') == str(
        tmp_path / best.format(2))
