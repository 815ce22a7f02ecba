"""Cache of parsed annotation files (compact ``.npz``, never pickle).

Parsing a large annotation file (a COCO instances JSON, a 118k-image
standard file) on every start is slow. :func:`cached_parse` stores the
parsed result — dense observed labels (N, C) int8, clean labels, image names
or indices and the metainfo — in a ``.npz`` keyed by the source file's
absolute path, size and mtime plus the parser's name and parameters. A
changed source file gets a new key, so a stale cache is never read. Files are
written atomically (temp file + rename), so concurrent ranks are safe.

Default location: ``<source dir>/.mlc_cache/``; when that is not writable,
``~/.cache/mlc/annotations/``.
"""
import hashlib
import json
import os
import os.path as osp
import shutil
import tempfile
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

import numpy as np
from mmengine.logging import MMLogger

from mlc.utils.atomic_file import atomic_write

#: Bumped when a parser's output changes for the same parameters, so caches
#: written by the older parser are never read (2: ``COCOMultiLabel`` and
#: ``VOCMultiLabel`` apply ``unlisted``).
CACHE_VERSION = 2


@dataclass
class ParsedAnnotation:
    """A parsed multi-label annotation.

    Attributes:
        metainfo (dict): JSON-serialisable metainfo (``classes`` at least).
        names (list[str]): (N,) ``img_path`` of each entry ('' if none).
        indices (np.ndarray): (N,) int64 ``img_index`` (-1 if none).
        observed (np.ndarray): (N, C) int8 in {1, 0, -1}.
        clean (np.ndarray | None): (N, C) int8 in {0, 1}.
    """
    metainfo: dict
    names: List[str]
    indices: np.ndarray
    observed: np.ndarray
    clean: Optional[np.ndarray] = None


def _blob(text: str) -> np.ndarray:
    return np.frombuffer(text.encode('utf-8'), dtype=np.uint8)


def _text(arr: np.ndarray) -> str:
    return arr.tobytes().decode('utf-8')


def cache_key(src: str, parser: str, params: dict) -> str:
    """SHA-1 of (absolute path, size, mtime_ns, parser, params, version)."""
    stat = os.stat(src)
    blob = json.dumps(dict(path=osp.abspath(src), size=stat.st_size,
                           mtime_ns=stat.st_mtime_ns, parser=parser,
                           params=params, version=CACHE_VERSION),
                      sort_keys=True, default=str)
    return hashlib.sha1(blob.encode('utf-8')).hexdigest()


def _candidate_dirs(src: str, cache_dir: Optional[str]) -> List[str]:
    if cache_dir:
        return [cache_dir]
    return [osp.join(osp.dirname(osp.abspath(src)), '.mlc_cache'),
            osp.join(osp.expanduser('~'), '.cache', 'mlc', 'annotations')]


def _file_name(src: str, key: str) -> str:
    return f'{osp.basename(src)}.{key[:16]}.npz'


def load_cache(path: str, key: str) -> Optional[ParsedAnnotation]:
    """The cached parse at ``path`` if it exists and holds ``key``."""
    if not osp.isfile(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if _text(data['key']) != key:
                return None
            names_text = _text(data['names'])
            num = data['observed'].shape[0]
            names = names_text.split('\n') if num else []
            return ParsedAnnotation(
                metainfo=json.loads(_text(data['metainfo'])),
                names=names,
                indices=data['indices'],
                observed=data['observed'],
                clean=data['clean'] if data['has_clean'] else None)
    except (OSError, ValueError, KeyError) as err:
        MMLogger.get_current_instance().warning(
            f'annotation cache {path} is unreadable ({err}); re-parsing')
        return None


def save_cache(path: str, key: str, parsed: ParsedAnnotation) -> None:
    """Write ``parsed`` to ``path`` atomically."""
    if any('\n' in n for n in parsed.names):
        raise ValueError('image names with newlines cannot be cached')
    with atomic_write(path) as f:
        np.savez(
            f, key=_blob(key),
            metainfo=_blob(json.dumps(parsed.metainfo)),
            names=_blob('\n'.join(parsed.names)),
            indices=np.asarray(parsed.indices, dtype=np.int64),
            observed=np.ascontiguousarray(parsed.observed, np.int8),
            has_clean=np.array(parsed.clean is not None),
            clean=(np.zeros((0, 0), np.int8) if parsed.clean is None
                   else np.ascontiguousarray(parsed.clean, np.int8)))


def cached_parse(src: str, parse: Callable[[], ParsedAnnotation],
                 parser: str, params: dict,
                 cache_dir: Optional[str] = None) -> ParsedAnnotation:
    """``parse()`` through the cache.

    Args:
        src (str): The source file whose size and mtime key the cache.
        parse (callable): Parses ``src`` (called on a miss).
        parser (str): Parser name (part of the key).
        params (dict): Parser parameters (part of the key; JSON-able).
        cache_dir (str, optional): Cache folder (default: see module doc).

    Returns:
        ParsedAnnotation: From the cache on a hit, else freshly parsed (and
        then cached in the first writable candidate folder).
    """
    logger = MMLogger.get_current_instance()
    key = cache_key(src, parser, params)
    dirs = _candidate_dirs(src, cache_dir)
    for folder in dirs:
        path = osp.join(folder, _file_name(src, key))
        hit = load_cache(path, key)
        if hit is not None:
            logger.info(f'{src}: parsed labels read from cache {path}')
            return hit
    logger.info(f'{src}: parsing the labels (not cached yet) ...')
    start = time.perf_counter()
    parsed = parse()
    parse_seconds = time.perf_counter() - start
    for folder in dirs:
        path = osp.join(folder, _file_name(src, key))
        try:
            save_cache(path, key, parsed)
        except OSError:
            continue
        write_seconds = time.perf_counter() - start - parse_seconds
        logger.info(f'{src}: parsed in {parse_seconds:.1f} s, labels cached '
                    f'in {path} ({write_seconds:.1f} s to write)')
        break
    else:
        logger.warning(f'{src}: no writable cache folder among {dirs}')
    return parsed


def cached_folder(src: str, parse: Callable[[], object],
                  save: Callable[[object, str], None],
                  load: Callable[[str], object], parser: str, params: dict,
                  cache_dir: Optional[str] = None) -> object:
    """``parse()`` through a cache *folder* (e.g. a memory-mappable sparse
    label store too large for one ``.npz``), keyed like :func:`cached_parse`.

    Args:
        src, parser, params, cache_dir: As in :func:`cached_parse`.
        parse (callable): Parses the source (called on a miss).
        save (callable): ``save(parsed, folder)`` writes into a new folder
            (a temporary one, renamed into place when complete).
        load (callable): ``load(folder)`` reads a folder ``save`` wrote.

    Returns:
        The loaded cache on a hit, else ``load`` of the freshly saved parse
        (the parse itself when no folder is writable).
    """
    logger = MMLogger.get_current_instance()
    key = cache_key(src, parser, params)
    dirs = _candidate_dirs(src, cache_dir)
    name = f'{osp.basename(src)}.{key[:16]}'
    for folder in dirs:
        path = osp.join(folder, name)
        if osp.isdir(path):
            logger.info(f'{src}: parsed labels read from cache {path}')
            return load(path)
    logger.info(f'{src}: parsing the labels (not cached yet) ...')
    start = time.perf_counter()
    parsed = parse()
    logger.info(f'{src}: parsed in {time.perf_counter() - start:.1f} s')
    for folder in dirs:
        path = osp.join(folder, name)
        try:
            os.makedirs(folder, exist_ok=True)
            tmp = tempfile.mkdtemp(dir=folder, prefix='.tmp-')
        except OSError:
            continue
        try:
            save(parsed, tmp)
            os.chmod(tmp, 0o755)
            os.replace(tmp, path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not osp.isdir(path):  # not another rank's finished copy
                continue
        logger.info(f'{src}: labels cached in {path}')
        return load(path)
    logger.warning(f'{src}: no writable cache folder among {dirs}')
    return parsed
