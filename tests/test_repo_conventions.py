"""The repository stands alone: no citation of documents outside it, and
every ``mlc.*`` dotted path named in the documentation exists."""
import ast
import importlib
import re
from collections import Counter
from pathlib import Path
from typing import Dict, List

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


#: a config, README or metafile path in text; skipped when it is a pattern
#: (``{a,b}``, ``*``, ``<family>``, ``$(v)``) rather than one file
CONFIG_PATH = re.compile(r'(?<![\w/.-])configs/[\w./{}*<>$()-]+?'
                         r'\.(?:py|md|yml)(?![\w-])')
PATTERN_CHARS = set('{}*<>$()')


def _missing_config_paths(text: str) -> List[str]:
    """Every ``configs/...`` file path named in ``text`` that does not exist
    in the repository."""
    return [m.group(0) for m in CONFIG_PATH.finditer(text)
            if not PATTERN_CHARS & set(m.group(0))
            and not (ROOT / m.group(0)).is_file()]


def test_config_path_detector():
    text = ('python tools/train.py configs/records/corr_r18_pll-voc.py\n'
            'see `configs/pll/README.md`, configs/hill/{a,b}.py, '
            'configs/<family>/README.md, configs/_base_/datasets/x-*.py')
    assert _missing_config_paths(text) == [
        'configs/records/corr_r18_pll-voc.py']


def test_named_config_paths_exist():
    """Run commands, links and references in the docs, READMEs, metafiles,
    tools, benchmarks, tests and code name files that exist."""
    this = Path(__file__).resolve()
    missing = []
    for path in _files(SCANNED + ('tests', )) + [ROOT / 'Makefile']:
        if path == this:
            continue
        rel = path.relative_to(ROOT).as_posix()
        missing += [f'{rel}: {p}' for p in _missing_config_paths(
            path.read_text(encoding='utf-8', errors='replace'))]
    assert not missing, 'no such file:\n' + '\n'.join(missing)


def _unused_definitions(texts: Dict[str, str]) -> List[str]:
    """``file: name`` of every function, method or class defined in the
    ``mlc/`` sources among ``texts`` (relative path -> text) whose name
    appears nowhere but in its definition, unless it overrides a method of
    a base class (a hook, a pickle protocol method, ...)."""
    words = Counter(word for text in texts.values()
                    for word in re.findall(r'\w+', text))
    unused = []
    for rel, text in texts.items():
        if not rel.startswith('mlc/') or not rel.endswith('.py'):
            continue
        tree = ast.parse(text)
        owners = {id(f): node for node in ast.walk(tree)
                  if isinstance(node, ast.ClassDef) for f in node.body}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or \
                    node.name.startswith('__'):
                continue
            if words[node.name] > 1:
                continue
            owner = owners.get(id(node))
            if owner is not None and _overrides(rel, owner.name, node.name):
                continue
            unused.append(f'{rel}: {node.name}')
    return unused


def _overrides(rel: str, cls_name: str, name: str) -> bool:
    """Whether method ``name`` of class ``cls_name`` (module file ``rel``)
    is also an attribute of one of the class's bases."""
    module = importlib.import_module(rel[:-3].replace('/', '.'))
    cls = getattr(module, cls_name)
    return any(hasattr(base, name) for base in cls.__mro__[1:])


def test_unused_definition_detector():
    texts = {'mlc/models/utils/prior_threshold.py':
             'class PriorAdjustedThreshold:\n'
             '    def offset(self):\n        pass\n'
             '    def unused_helper(self):\n        pass\n'
             '    def train(self, mode=True):\n        pass\n',
             'tests/x.py': 'PriorAdjustedThreshold().offset()\n'}
    assert _unused_definitions(texts) == [
        'mlc/models/utils/prior_threshold.py: unused_helper']


def test_no_unused_definitions_in_mlc():
    """No dead code: every definition of the package is used by the
    package, the tools, benchmarks, configs or tests."""
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding='utf-8')
             for p in _files(('mlc', 'tools', 'benchmarks', 'configs',
                              'tests')) if p.suffix == '.py'}
    unused = _unused_definitions(texts)
    assert not unused, 'defined but never used:\n' + '\n'.join(unused)


def test_debug_flag_has_one_definition():
    """Every CLI's ``--debug`` comes from ``mlc.utils.cli.add_debug_flag``
    (the converters strip it in ``converter_cli``): one help text, one
    behaviour."""
    writers = sorted(
        str(p.relative_to(ROOT)) for d in ('mlc', 'tools', 'benchmarks')
        for p in (ROOT / d).rglob('*.py')
        if "add_argument('--debug'" in p.read_text()
        or 'add_argument("--debug"' in p.read_text())
    assert writers == ['mlc/utils/cli.py']
