"""Crash-safe checkpoint files: atomic writes and the choice of the
checkpoint a run resumes from.

A file is written under ``<name>.tmp``, flushed to disk and renamed onto
``<name>`` (``os.replace`` is atomic on POSIX file systems), so a kill at
any moment leaves either the previous or the new complete file, never a
truncated one under the final name. torch checkpoints are zip archives
whose central directory is written last: a file cut short by a kill has
none and is recognised as incomplete without being unpickled.
"""
import logging
import os
import os.path as osp
import re
import zipfile
from typing import List, Optional, Tuple

from mmengine.logging import print_log

#: Suffix of the file being written before it is renamed into place.
TMP_SUFFIX = '.tmp'
#: ``epoch_N.pth`` / ``iter_N.pth``: the names mmengine's CheckpointHook
#: gives the checkpoints a run can resume from.
STEP_CHECKPOINT = re.compile(r'^(?:epoch|iter)_(\d+)\.pth$')


def _fsync_dir(directory: str) -> None:
    """Flush a directory entry (a rename) to disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_file(tmp_path: str, path: str) -> None:
    """Flush the finished ``tmp_path`` to disk and rename it onto ``path``.

    Args:
        tmp_path (str): A completely written file.
        path (str): Its final name; an existing file is replaced atomically.
    """
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp_path, path)
    _fsync_dir(osp.dirname(osp.abspath(path)))


def write_text_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a flushed temporary file."""
    tmp_path = path + TMP_SUFFIX
    with open(tmp_path, 'w') as f:
        f.write(text)
    commit_file(tmp_path, path)


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete torch checkpoint, or None if it is.

    Reads only the zip directory at the end of the file (cheap).

    Args:
        path (str): A checkpoint file.

    Returns:
        str | None: e.g. ``'does not exist'``, ``'is truncated or corrupt
        (no complete zip directory)'``; None for a complete checkpoint.
    """
    if not osp.isfile(path):
        return 'does not exist'
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return 'is truncated or corrupt (no complete zip directory)'
    if not any(name.split('/')[-1] == 'data.pkl' for name in names):
        return 'is not a torch checkpoint (its archive has no data.pkl)'
    return None


def _step_checkpoints(work_dir: str) -> List[str]:
    """``epoch_N.pth`` / ``iter_N.pth`` of ``work_dir``, newest step first."""
    found: List[Tuple[int, str]] = []
    for name in os.listdir(work_dir):
        match = STEP_CHECKPOINT.match(name)
        if match:
            found.append((int(match.group(1)), osp.join(work_dir, name)))
    return [path for _, path in sorted(found, reverse=True)]


def find_resumable_checkpoint(work_dir: str) -> Tuple[Optional[str], str]:
    """The complete checkpoint a run in ``work_dir`` resumes from.

    The file named by ``work_dir/last_checkpoint`` comes first; when it is
    missing or incomplete, the newest complete ``epoch_N.pth`` /
    ``iter_N.pth`` of ``work_dir`` is taken (logged as a warning with the
    reason).

    Args:
        work_dir (str): The run's work directory.

    Returns:
        tuple: the checkpoint path (None when there is no complete one) and
        a description of the skipped candidates (empty when none was).
    """
    if not osp.isdir(work_dir):
        return None, ''
    candidates = []
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named:
            candidates.append(named)
    candidates += [path for path in _step_checkpoints(work_dir)
                   if path not in candidates]
    skipped = []
    for path in candidates:
        problem = checkpoint_problem(path)
        if problem is None:
            if skipped:
                print_log(f'resume: skipped {"; ".join(skipped)}; resuming '
                          f'from {path}', logger='current',
                          level=logging.WARNING)
            return path, '; '.join(skipped)
        skipped.append(f'{path} ({problem})')
    return None, '; '.join(skipped)


def resume_checkpoint(work_dir: str, path: Optional[str],
                      required: bool) -> Optional[str]:
    """Check or choose the checkpoint of a resumed run.

    Args:
        work_dir (str): The run's work directory.
        path (str | None): An explicitly requested checkpoint, or None to
            take the latest complete one of ``work_dir``.
        required (bool): Whether the resume was asked for on the command
            line (``--resume``): then a work dir without a complete
            checkpoint is an error instead of a fresh start.

    Returns:
        str | None: The checkpoint to resume from; None (config-level
        ``resume=True`` only) to train from scratch.

    Raises:
        FileNotFoundError: ``path`` does not exist, or ``required`` and no
            complete checkpoint is in ``work_dir``.
        ValueError: ``path`` is truncated or not a checkpoint.
    """
    if path is not None:
        problem = checkpoint_problem(path)
        if problem == 'does not exist':
            raise FileNotFoundError(f'--resume: checkpoint {path} does not '
                                    'exist')
        if problem is not None:
            raise ValueError(f'--resume: checkpoint {path} {problem}; resume '
                             'from an earlier one or run --resume without a '
                             'path to pick the latest complete one')
        return path
    found, skipped = find_resumable_checkpoint(work_dir)
    if found is None and required:
        detail = f' (skipped {skipped})' if skipped else ''
        raise FileNotFoundError(f'--resume: no usable checkpoint in '
                                f'{work_dir}{detail}')
    if found is None:
        print_log(f'resume=True but no usable checkpoint in {work_dir}: '
                  'training from scratch', logger='current',
                  level=logging.WARNING)
    return found
