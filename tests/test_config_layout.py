"""The layout of configs/ (docs/conventions.md, config names): a leaf
inherits shared pieces of configs/_base_ plus at most one family base, never
another leaf; family bases inherit only shared pieces; one token per data
set in file names; short headers."""
import ast
import glob
import os.path as osp
import re
from typing import List

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(ROOT, 'configs')
#: data-set tokens replaced by one spelling (left: old, right: the token)
RETIRED_TOKENS = {'coco14': 'coco2014', 'voc07': 'voc2007',
                  'open_images': 'openimages'}


def config_bases(path: str) -> List[str]:
    """Absolute paths listed in the ``_base_`` of a config file."""
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            bases = ast.literal_eval(node.value)
            bases = [bases] if isinstance(bases, str) else bases
            return [osp.normpath(osp.join(osp.dirname(path), b))
                    for b in bases]
    return []


def kind(path: str, root: str) -> str:
    """'shared' (configs/_base_/...), 'family_base'
    (configs/<family>/_base_/x.py), 'leaf' (configs/<family>/x.py)."""
    parts = osp.relpath(path, root).split(osp.sep)
    if parts[0] == '_base_':
        return 'shared'
    if len(parts) == 3 and parts[1] == '_base_':
        return 'family_base'
    return 'leaf' if len(parts) == 2 else 'other'


def layout_errors(root: str) -> List[str]:
    """Every break of the inheritance rules below the configs folder
    ``root``, one line each."""
    errors = []
    for leaf in sorted(glob.glob(osp.join(root, '*', '*.py'))):
        if kind(leaf, root) != 'leaf':
            continue
        kinds = [kind(b, root) for b in config_bases(leaf)]
        for base, base_kind in zip(config_bases(leaf), kinds):
            if base_kind not in ('shared', 'family_base'):
                errors.append(f'{osp.relpath(leaf, root)} inherits '
                              f'{osp.relpath(base, root)}')
        if kinds.count('family_base') > 1:
            errors.append(f'{osp.relpath(leaf, root)}: '
                          f'{kinds.count("family_base")} family bases')
    for fam_base in sorted(glob.glob(osp.join(root, '*', '_base_', '*.py'))):
        for base in config_bases(fam_base):
            if kind(base, root) != 'shared':
                errors.append(f'{osp.relpath(fam_base, root)} inherits '
                              f'{osp.relpath(base, root)}')
    return errors


def test_leaves_inherit_shared_bases_and_one_family_base():
    assert layout_errors(CONFIGS) == []


def test_layout_rule_catches_a_leaf_on_a_leaf(tmp_path):
    fam = tmp_path / 'fam'
    (fam / '_base_').mkdir(parents=True)
    (tmp_path / '_base_').mkdir()
    (tmp_path / '_base_' / 'runtime.py').write_text('x = 1\n')
    (fam / '_base_' / 'recipe.py').write_text(
        "_base_ = ['../../_base_/runtime.py']\n")
    (fam / '_base_' / 'chained.py').write_text(
        "_base_ = ['./recipe.py']\n")
    (fam / 'a.py').write_text("_base_ = ['./_base_/recipe.py']\n")
    (fam / 'b.py').write_text("_base_ = ['./a.py']\n")
    (fam / 'c.py').write_text(
        "_base_ = ['./_base_/recipe.py', './_base_/chained.py']\n")
    assert layout_errors(str(tmp_path)) == [
        'fam/b.py inherits fam/a.py',
        'fam/c.py: 2 family bases',
        'fam/_base_/chained.py inherits fam/_base_/recipe.py',
    ]


def test_one_token_per_data_set_in_config_names():
    names = [osp.relpath(p, CONFIGS) for p in
             glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True)]
    for name in names:
        stem = osp.basename(name)[:-3]
        for old, new in RETIRED_TOKENS.items():
            assert not re.search(rf'(^|[-_]){old}($|[-_])', stem), (
                f'{name}: data-set token {old!r}, use {new!r}')


def test_config_headers_are_short():
    """What a leaf or family base is fits in three comment lines; how to run
    it, paper numbers and long explanations live in the family README."""
    paths = (glob.glob(osp.join(CONFIGS, '*', '*.py')) +
             glob.glob(osp.join(CONFIGS, '*', '_base_', '*.py')))
    for path in paths:
        header = 0
        for line in open(path):
            if not line.startswith('#'):
                break
            header += 1
        assert header <= 3, (f'{osp.relpath(path, ROOT)}: {header}-line '
                             'header (at most 3)')


#: transforms a config header may name (checked against its recipe)
HEADER_TRANSFORMS = ('Cutout', 'RandAugmentUDA', 'RandomAugmentPLL')


def header_transforms(path: str) -> List[str]:
    """Transforms of :data:`HEADER_TRANSFORMS` that the comment header of
    the config ``path`` says its recipe uses (``no X`` / ``without X``
    excluded)."""
    header = []
    for line in open(path):
        if not line.startswith('#'):
            break
        header.append(line.lstrip('#').strip())
    text = ' '.join(header)
    return [t for t in HEADER_TRANSFORMS
            if re.search(rf'(?<!no )(?<!without ){t}\b', text)]


def test_header_transform_detector(tmp_path):
    cases = {'# BCE, DigitMosaic r18 recipe with Cutout.\n': ['Cutout'],
             '# recipe (no Cutout), RandAugmentUDA\n': ['RandAugmentUDA'],
             '# plain recipe\n': []}
    for text, expected in cases.items():
        path = tmp_path / 'leaf.py'
        path.write_text(text + 'x = 1\n')
        assert header_transforms(str(path)) == expected, text


def inherited_text(path: str) -> str:
    """The text of the config ``path`` and of every file it inherits."""
    texts, todo = [], [path]
    while todo:
        current = todo.pop()
        texts.append(open(current).read())
        todo += config_bases(current)
    return '\n'.join(texts)


def test_header_names_only_transforms_of_its_recipe():
    """A leaf's header that names a transform describes its recipe: the
    leaf or a file it inherits uses it (e.g. no "with Cutout" once the
    DigitMosaic recipes dropped it)."""
    stale = []
    for path in sorted(glob.glob(osp.join(CONFIGS, '*', '*.py'))):
        named = header_transforms(path)
        text = inherited_text(path) if named else ''
        stale += [f'{osp.relpath(path, ROOT)}: {t}' for t in named
                  if not re.search(rf"type=['\"]{t}['\"]", text)]
    assert not stale, ('header names a transform its recipe does not '
                       'use:\n' + '\n'.join(stale))


def test_docs_name_data_sets_with_their_token():
    """Names built from a data-set token in the docs and READMEs
    (``coco2014-0.4left-mlc``) use the one spelling, as config names do; a
    retired token stays only as a word or in an outside file name."""
    docs = (glob.glob(osp.join(ROOT, 'docs', '*.md')) +
            glob.glob(osp.join(CONFIGS, '*', 'README.md')) +
            [osp.join(ROOT, 'README.md')])
    hits = []
    for path in sorted(docs):
        for num, line in enumerate(open(path, encoding='utf-8'), 1):
            for old, new in RETIRED_TOKENS.items():
                if re.search(rf'`{old}-', line):
                    hits.append(f'{osp.relpath(path, ROOT)}:{num}: '
                                f'{old!r} -> {new!r}')
    assert not hits, '\n'.join(hits)
