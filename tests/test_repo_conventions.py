"""The repository stands alone: no citation of documents outside it, and
every ``mlc.*`` dotted path named in the documentation exists."""
import importlib
import re
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ('mlc', 'tools', 'configs', 'benchmarks', 'docs', 'README.md')
TEXT_SUFFIXES = {'.py', '.md', '.yml', '.yaml', '.txt', '.cfg', '.sh', '.json'}

# documents that live outside the repository (a user has no such folder)
EXTERNAL = re.compile(
    r'shared/specs|\.\./shared/|'
    r'\b(comic|hill_splc_asl|pu_mlc|records_corr_solar|stitchup_colearning)'
    r'\.md\b')
# a section sign must follow a reference to the in-repo conventions file,
# e.g. "docs/conventions.md §4", "[conventions.md](conventions.md) §7" or
# "docs/conventions.md §3 and §8"; anything else ("spec §2",
# "benchmarks.md §4", a bare "(§9)") points at a document the repo lacks
SECTION_OK = re.compile(
    r'conventions\.md`?(\]\([^)]*\))?\s*'
    r'(§\s*[\d.]+\s*(,|and|or|-|–)?\s*)*$')
DOTTED = re.compile(r'(?<![\w./-])mlc(?:\.[A-Za-z_]\w*)+')


def _files(roots=SCANNED) -> List[Path]:
    files = []
    for name in roots:
        path = ROOT / name
        paths = [path] if path.is_file() else sorted(path.rglob('*'))
        files += [p for p in paths if p.is_file()
                  and p.suffix in TEXT_SUFFIXES
                  and '__pycache__' not in p.parts]
    return files


def _external_citations(path: Path, text: str) -> List[str]:
    """``file:line: excerpt`` of every citation of an outside document."""
    rel = path.relative_to(ROOT).as_posix()
    hits = []
    for match in EXTERNAL.finditer(text):
        hits.append((match.start(), match.group(0)))
    if rel != 'docs/conventions.md':  # its own "§N" are internal
        prefix = '' if rel.startswith('docs/') else 'docs/'
        for match in re.finditer('§', text):
            before = text[max(0, match.start() - 80):match.start()]
            ok = SECTION_OK.search(before)
            if ok is None or not before[:ok.start()].endswith(prefix):
                hits.append((match.start(), before[-30:] + '§'))
    return [f'{rel}:{text.count(chr(10), 0, pos) + 1}: {excerpt!r}'
            for pos, excerpt in sorted(hits)]


def _resolves(dotted: str) -> bool:
    """True if ``dotted`` is an importable module or an attribute chain of
    one (``mlc.apis.init_model``)."""
    parts = dotted.split('.')
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if hasattr(obj, attr):
                obj = getattr(obj, attr)
                continue
            try:  # a submodule not imported by its package
                obj = importlib.import_module(f'{obj.__name__}.{attr}')
            except (ImportError, AttributeError):
                return False
        return True
    return False


def test_external_citation_detector():
    cases = {
        'mlc/a.py': ('# see ../shared/specs/comic.md', 2),
        'mlc/b.py': ('"""Loss (conventions §4)."""', 1),
        'mlc/c.py': ('"""Loss (docs/conventions.md §4 and §8)."""', 0),
        'mlc/d.py': ('# (stitchup spec §2), benchmarks.md §7', 2),
        'docs/e.md': ('## NUS-WIDE (§2)', 1),
        'docs/f.md': ('see [conventions.md](conventions.md) §7.', 0),
        'configs/g.py': ('# recipe of hill_splc_asl.md', 1),
    }
    for rel, (text, expected) in cases.items():
        assert len(_external_citations(ROOT / rel, text)) == expected, rel


def test_no_citation_of_outside_documents():
    hits = []
    for path in _files():
        hits += _external_citations(
            path, path.read_text(encoding='utf-8', errors='replace'))
    assert not hits, ('cite docs/conventions.md, docs/datasets.md or a '
                      'configs/<family>/README.md instead:\n' +
                      '\n'.join(hits))


def test_dotted_path_detector():
    assert _resolves('mlc.datasets.readers.restricted_pickle.safe_load_pickle')
    assert not _resolves('mlc.utils.safe_pickle.safe_load_pickle')
    assert DOTTED.findall('`mlc.apis` and train-mlc.json') == ['mlc.apis']


@pytest.mark.parametrize('doc', [
    p.relative_to(ROOT).as_posix() for p in
    sorted((ROOT / 'docs').glob('*.md')) + [ROOT / 'README.md'] +
    sorted((ROOT / 'configs').glob('*/README.md'))])
def test_documented_mlc_paths_exist(doc):
    text = (ROOT / doc).read_text(encoding='utf-8')
    missing = sorted({m.rstrip('.') for m in DOTTED.findall(text)
                      if not _resolves(m.rstrip('.'))})
    assert not missing, f'{doc}: no such module or attribute: {missing}'


def test_mlc_paths_in_code_comments_exist():
    missing = set()
    for path in _files(('mlc', 'tools', 'configs', 'benchmarks')):
        text = path.read_text(encoding='utf-8', errors='replace')
        rel = path.relative_to(ROOT).as_posix()
        missing |= {f'{rel}: {m.rstrip(".")}' for m in DOTTED.findall(text)
                    if not _resolves(m.rstrip('.'))}
    assert not missing, 'no such module or attribute:\n' + '\n'.join(
        sorted(missing))
