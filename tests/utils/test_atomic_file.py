"""atomic_write: all or nothing, permissions of a new file, no temp left."""
import os

import pytest

from mlc.utils.atomic_file import atomic_write


def test_writes_text_and_bytes_with_umask_permissions(tmp_path):
    path = tmp_path / 'sub' / 'out.txt'
    with atomic_write(str(path), 'w', encoding='utf-8') as f:
        f.write('é\n')
    assert path.read_text(encoding='utf-8') == 'é\n'
    with atomic_write(str(path)) as f:
        f.write(b'\x00\x01')
    assert path.read_bytes() == b'\x00\x01'
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(path.parent) == ['out.txt']


def test_error_keeps_the_old_file_and_removes_the_temp(tmp_path):
    path = tmp_path / 'out.txt'
    path.write_text('old')
    with pytest.raises(RuntimeError, match='boom'):
        with atomic_write(str(path), 'w') as f:
            f.write('partial')
            raise RuntimeError('boom')
    assert path.read_text() == 'old'
    assert os.listdir(tmp_path) == ['out.txt']
