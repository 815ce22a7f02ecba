"""Write a file atomically: a temporary file beside it, then a rename."""
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator


@contextmanager
def atomic_write(path: str, mode: str = 'wb', **open_kwargs) -> Iterator[IO]:
    """Open a temporary file in the folder of ``path`` (created if needed)
    for writing; when the block ends without error it replaces ``path``
    (``os.replace``: a reader sees the old or the new file, never part of
    one) with the permissions of a new file (0666 minus the umask), and on
    any error (or interrupt) it is removed.

    Args:
        path (str): The file to write.
        mode (str): ``open`` mode, ``'wb'`` or ``'w'``. Defaults to ``'wb'``.
        **open_kwargs: Other ``open`` arguments (``encoding``, ...).
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-',
                               suffix=osp.basename(path))
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600 files
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
