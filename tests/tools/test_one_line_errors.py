"""A user mistake ends a tool with one line naming the culprit; ``--debug``
re-raises it with its traceback (train, test, dist launcher, converters,
analysis tools)."""
import argparse
import importlib.util
import json
import os
import os.path as osp
import pickle
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch
from conftest import ROOT, tiny_config
from mmengine.config import Config

from mlc.datasets.readers.restricted_pickle import UnsafePickleError
from mlc.utils import UnsafeCheckpointError
from mlc.utils.cli import LauncherError


def tool_main(rel: str):
    """``main`` of ``tools/<rel>``, loaded as a module."""
    path = osp.join(ROOT, 'tools', rel)
    spec = importlib.util.spec_from_file_location(
        'tool_' + osp.splitext(osp.basename(rel))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


run_train = tool_main('train.py')
run_test = tool_main('test.py')


def one_line_exit(main, argv) -> str:
    """The message of the SystemExit ``main(argv)`` ends with (one line)."""
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in argv])
    message = info.value.code
    assert isinstance(message, str), message
    assert '\n' not in message and message.startswith('error: '), message
    return message


def dump(cfg: dict, path) -> str:
    Config(cfg).dump(str(path))
    return str(path)


def evil_pickle(path) -> str:
    """A pickle that would run ``os.system`` when loaded unrestricted."""
    class Evil:
        def __reduce__(self):
            return os.system, (f'touch {path}.ran', )

    with open(path, 'wb') as f:
        pickle.dump({'gt_labels': Evil(), 'labels': Evil()}, f, protocol=2)
    return str(path)


def test_config_syntax_error_names_the_file_and_line(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text('a = 1\nb = (\n')
    message = one_line_exit(run_train, [cfg])
    assert f'{cfg}:2: SyntaxError' in message, message
    with pytest.raises(SyntaxError) as info:
        run_train([str(cfg), '--debug'])
    assert info.value.filename == str(cfg)
    # in a base file: mmengine's error says "<unknown>", ours the base
    base = tmp_path / 'base' / 'model.py'
    base.parent.mkdir()
    base.write_text('x = 1\ny = 2\nmodel = dict(type=\n')
    top = tmp_path / 'top.py'
    top.write_text("_base_ = ['./base/model.py']\nz = 3\n")
    message = one_line_exit(run_train, [top])
    assert f'{base}:3: SyntaxError' in message, message


@pytest.mark.parametrize('option,expected', [
    ('model=dict(a=1,b=2)', 'model.a=1 model.b=2'),
    ('model=dict(a=1)', 'model.a=1'),
    ('model.head={"num_classes":3,"loss":dict(type=X)}',
     'model.head.num_classes=3 model.head.loss.type=X'),
    ('model', "'model': expected KEY=VALUE"),
    ('model=dict(a=1', 'unbalanced brackets'),
    ('model=f(1,2)', 'cannot parse the value'),
])
def test_cfg_options_dict_values_say_how_to_set_nested_keys(
        tmp_path, option, expected):
    cfg = dump(dict(model=dict(a=0)), tmp_path / 'cfg.py')
    message = one_line_exit(run_train, [cfg, '--cfg-options', option])
    assert expected in message and '--cfg-options' in message, message
    with pytest.raises(ValueError):
        run_train([cfg, '--cfg-options', option, '--debug'])


def test_launcher_usage_errors(tiny_data, tmp_path, monkeypatch):
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    cfg = dump(tiny_config(tiny_data, str(tmp_path / 'work')),
               tmp_path / 'cfg.py')
    message = one_line_exit(run_train, [cfg, '--launcher', 'slurm'])
    assert 'LauncherError' in message and 'slurm' in message, message
    message = one_line_exit(run_test, [cfg, 'x.pth', '--launcher',
                                        'pytorch'])
    assert 'RANK' in message, message
    with pytest.raises(LauncherError):
        run_train([cfg, '--launcher', 'slurm', '--debug'])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_dist_launcher_reports_a_failed_process_in_one_line(tmp_path):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               OMP_NUM_THREADS='1')
    missing = tmp_path / 'missing.py'
    done = subprocess.run(['bash', 'tools/dist_train.sh', str(missing), '1'],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr[-3000:]
    assert 'Traceback' not in done.stderr, done.stderr[-3000:]
    assert 'error: FileNotFoundError' in done.stderr
    assert str(missing) in done.stderr
    assert 'train.py failed on rank 0 (exit code 1)' in done.stderr
    with socket.socket() as busy:  # a PORT in use
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        env['PORT'] = str(busy.getsockname()[1])
        done = subprocess.run(['bash', 'tools/dist_train.sh', str(missing),
                               '1'], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
    assert done.returncode == 1 and 'Traceback' not in done.stderr
    assert 'set PORT to a free port' in done.stderr, done.stderr[-3000:]
    for args, expected in (([], 'usage: bash tools/dist_launch.sh'),
                           (['demo.py', '1'], "got 'demo.py'")):
        done = subprocess.run(['bash', 'tools/dist_launch.sh', *args],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 2 and expected in done.stderr, done.stderr


def test_unwritable_work_dir_is_named_before_the_runner(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    work = blocker / 'work'
    cfg = dump(tiny_config(str(tmp_path / 'no_data'), str(tmp_path / 'w')),
               tmp_path / 'cfg.py')
    message = one_line_exit(run_train, [cfg, '--work-dir', work])
    assert f"work dir '{work}' cannot be written" in message, message
    message = one_line_exit(run_train, [cfg, '--work-dir', blocker])
    assert f"work dir '{blocker}' is a file" in message, message
    with pytest.raises(ValueError):
        run_train([cfg, '--work-dir', str(work), '--debug'])


def test_test_outputs_are_checked_before_the_test_runs(tmp_path):
    """The data and the checkpoint do not exist: an output error must come
    first, i.e. before any loading or testing."""
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    cfg = dump(tiny_config(str(tmp_path / 'no_data'), str(tmp_path / 'w')),
               tmp_path / 'cfg.py')
    ckpt = tmp_path / 'missing.pth'
    cases = [
        (['--out', 'preds.txt'], '--out must name a .npz file'),
        (['--out', tmp_path], '--out must name a .npz file'),
        (['--metrics-out', 'metrics.txt'], '--metrics-out must name a .json'),
        (['--metrics-out', blocker / 'm.json'],
         f"the folder of --metrics-out '{blocker}' is a file"),
        (['--out', blocker / 'sub' / 'p.npz'],
         f"the folder of --out '{blocker / 'sub'}' cannot be written"),
    ]
    (tmp_path / 'dir.json').mkdir()
    cases.append((['--metrics-out', tmp_path / 'dir.json'], 'is a folder'))
    for extra, expected in cases:
        message = one_line_exit(run_test, [cfg, ckpt, *extra])
        assert expected in message, (extra, message)
    with pytest.raises(ValueError):
        run_test([cfg, str(ckpt), '--out', 'x.txt', '--debug'])


def test_refused_checkpoint_is_one_line(tiny_data, tmp_path):
    cfg = dump(tiny_config(tiny_data, str(tmp_path / 'work')),
               tmp_path / 'cfg.py')
    ckpt = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': argparse.Namespace(a=1)}, ckpt)
    message = one_line_exit(run_test, [cfg, ckpt])
    assert 'UnsafeCheckpointError' in message and str(ckpt) in message
    with pytest.raises(UnsafeCheckpointError):
        run_test([cfg, str(ckpt), '--debug'])


def test_refused_pickle_in_a_converter_is_one_line(tmp_path, monkeypatch):
    folder = tmp_path / 'db'
    folder.mkdir()
    (folder / 'img_id.txt').write_text('a\nb\n')
    pkl = evil_pickle(folder / 'class_freq.pkl')
    script = osp.join(ROOT, 'tools', 'dataset_converters', 'convert_db_mlt.py')
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    done = subprocess.run([sys.executable, script, str(folder),
                           str(tmp_path / 'out.json'), '--dataset', 'voc'],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert lines[0].startswith('error: UnsafePickleError') and pkl in lines[0]
    assert not osp.exists(f'{pkl}.ran')
    # --debug (taken out of argv before the converter parses it) keeps
    # the traceback: the error propagates (in-process, through the same
    # entry point)
    monkeypatch.syspath_prepend(osp.dirname(script))
    converter = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location('convert_db_mlt', script))
    converter.__spec__.loader.exec_module(converter)
    monkeypatch.setattr(sys, 'argv', [script, str(folder),
                                      str(tmp_path / 'out.json'),
                                      '--dataset', 'voc', '--debug'])
    with pytest.raises(UnsafePickleError, match='class_freq.pkl'):
        converter.cli.run_converter(converter.main)
    assert not osp.exists(f'{pkl}.ran')


def test_refused_pickle_in_dataset_stats_is_one_line(tmp_path):
    main = tool_main('analysis_tools/dataset_stats.py')
    pkl = evil_pickle(tmp_path / 'class_freq.pkl')
    message = one_line_exit(main, [pkl, '--format', 'db_mlt'])
    assert 'UnsafePickleError' in message and pkl in message, message
    with pytest.raises(UnsafePickleError):
        main([pkl, '--format', 'db_mlt', '--debug'])
    assert not osp.exists(f'{pkl}.ran')


def fake_cifar10(root, per_class: int) -> None:
    """A tiny ``cifar-10-batches-py`` archive (5 train batches, test)."""
    folder = osp.join(root, 'cifar-10-batches-py')
    os.makedirs(folder)
    labels = np.tile(np.arange(10), per_class)
    for i, name in enumerate([f'data_batch_{k}' for k in range(1, 6)] +
                             ['test_batch']):
        part = labels[i::5] if i < 5 else labels[:20]
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump({'data': np.zeros((part.size, 3072), np.uint8),
                         'labels': part.tolist()}, f, protocol=2)


def test_make_cifar_lt_pll_default_arguments_and_refused_pickle(tmp_path):
    main = tool_main('dataset_converters/make_cifar_lt_pll.py')
    fake_cifar10(str(tmp_path), per_class=100)
    main([str(tmp_path)])  # --imb-ratio 100 is an int by default
    built = os.listdir(tmp_path / 'pll')
    assert len(built) == 1 and built[0].startswith('cifar10-lt-r100-q0.3')
    with open(tmp_path / 'pll' / built[0] / 'meta.json') as f:
        meta = json.load(f)
    assert meta['params']['imb_ratio'] == 100
    assert meta['train_counts'] == [100, 59, 35, 21, 12, 7, 4, 2, 1, 1]
    evil = tmp_path / 'evil'
    (evil / 'cifar-10-batches-py').mkdir(parents=True)
    pkl = evil_pickle(evil / 'cifar-10-batches-py' / 'data_batch_1')
    message = one_line_exit(main, [evil])
    assert 'UnsafePickleError' in message and pkl in message, message
    with pytest.raises(UnsafePickleError):
        main([str(evil), '--debug'])
    assert not osp.exists(f'{pkl}.ran')


def test_run_seeds_checks_its_arguments_before_any_run(tmp_path):
    main = tool_main('analysis_tools/run_seeds.py')
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    cfg = tmp_path / 'cfg.py'
    cfg.write_text('a = (\n')  # train.py would fail at once
    work = tmp_path / 'seeds'
    message = one_line_exit(main, [cfg, '--work-root', work, '--out',
                                   blocker / 'table.md'])
    assert f"the folder of --out '{blocker}' is a file" in message, message
    assert not osp.exists(work / 'cfg')
    message = one_line_exit(main, [tmp_path / 'missing.py'])
    assert 'config not found' in message, message
    with pytest.raises(FileNotFoundError):
        main([str(tmp_path / 'missing.py'), '--debug'])
