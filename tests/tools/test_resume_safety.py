"""--resume picks a complete checkpoint or stops with one line; every
shipped config saves through SafeCheckpointHook."""
import ast
import glob
import os.path as osp

import pytest
import torch
from _helpers import load_script
from conftest import ROOT, tiny_config
from mmengine.config import Config

train_tool = load_script('tools/train.py', 'mlc_train_tool')


def write_checkpoint(path, epoch, truncate=False):
    torch.save(dict(meta=dict(epoch=epoch)), path)
    if truncate:
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])


def merge(work_dir, resume, cfg_resume=False):
    cfg = Config(dict(work_dir=str(work_dir), resume=cfg_resume,
                      load_from=None))
    # the parser's own defaults, so a new flag cannot break these tests
    argv = ['cfg.py'] + ([] if resume is None else
                         ['--resume'] if resume == 'auto' else
                         ['--resume', resume])
    return train_tool.merge_args(cfg, train_tool.parse_args(argv))


def test_auto_resume_skips_a_truncated_last_checkpoint(tmp_path):
    write_checkpoint(tmp_path / 'epoch_1.pth', 1)
    write_checkpoint(tmp_path / 'epoch_2.pth', 2, truncate=True)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    cfg = merge(tmp_path, 'auto')
    assert cfg.resume and cfg.load_from == str(tmp_path / 'epoch_1.pth')
    # a complete last checkpoint is taken as named
    write_checkpoint(tmp_path / 'epoch_2.pth', 2)
    assert merge(tmp_path, 'auto').load_from == str(tmp_path / 'epoch_2.pth')


def test_resume_without_usable_checkpoint_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=f'--resume: no usable checkpoint in {tmp_path}$'):
        merge(tmp_path, 'auto')
    write_checkpoint(tmp_path / 'epoch_1.pth', 1, truncate=True)
    with pytest.raises(FileNotFoundError, match='epoch_1.pth .is truncated'):
        merge(tmp_path, 'auto')
    # config-level resume=True (no --resume): mmengine's fresh start, but
    # the truncated file is never resumed from
    cfg = merge(tmp_path, None, cfg_resume=True)
    assert not cfg.resume and cfg.load_from is None


def test_explicit_truncated_or_missing_path_gives_one_line(tiny_data,
                                                          tmp_path):
    cfg_path = str(tmp_path / 'cfg.py')
    Config(tiny_config(tiny_data, str(tmp_path / 'work'))).dump(cfg_path)
    bad = tmp_path / 'epoch_3.pth'
    write_checkpoint(bad, 3, truncate=True)
    cases = [([str(bad)], f'--resume: checkpoint {bad} is truncated or '
              'corrupt'),
             ([str(tmp_path / 'none.pth')],
              f'--resume: checkpoint {tmp_path / "none.pth"} does not exist'),
             ([], f'--resume: no usable checkpoint in {tmp_path / "work"}')]
    for extra, expected in cases:
        with pytest.raises(SystemExit) as stop:
            train_tool.main([cfg_path, '--resume', *extra])
        message = str(stop.value.code)
        assert message.startswith('error: ') and expected in message, message
        assert expected in message.splitlines()[0], message


def config_bases(path):
    """Paths listed in the ``_base_`` of a config file."""
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if (isinstance(node, ast.Assign) and
                any(getattr(t, 'id', None) == '_base_' for t in node.targets)):
            value = ast.literal_eval(node.value)
            names = [value] if isinstance(value, str) else value
            return [osp.normpath(osp.join(osp.dirname(path), n))
                    for n in names]
    return []


def test_every_config_saves_through_the_safe_hook():
    configs = glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                        recursive=True)
    runtime = osp.join(ROOT, 'configs', '_base_', 'default_runtime.py')
    for path in configs:
        source = open(path).read()
        assert "'CheckpointHook'" not in source, path
        if '_base_' in osp.relpath(path, ROOT).split(osp.sep):
            continue
        todo, seen = [path], set()
        while todo:
            current = todo.pop()
            seen.add(current)
            todo += [b for b in config_bases(current) if b not in seen]
        assert runtime in seen, f'{path} does not inherit {runtime}'
    for name in ('default_runtime', 'digitmosaic_runtime', 'ema_runtime'):
        cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_',
                                       f'{name}.py'))
        assert cfg.default_hooks.checkpoint.type == 'SafeCheckpointHook'
    for path in ('comic/comic_r50_plt-coco.py',
                 'pu_mlc/pu-mlc_r101-lgc_coco2014-p0.1.py',
                 'baselines/bce_r18_digitmosaic-plt.py'):
        cfg = Config.fromfile(osp.join(ROOT, 'configs', path))
        hook = cfg.default_hooks.checkpoint
        assert hook.type == 'SafeCheckpointHook', path
