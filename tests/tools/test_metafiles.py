"""Every metafile parses, names an existing config and a README."""
import glob
import os.path as osp

import pytest
import yaml
from conftest import ROOT

METAFILES = sorted(glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yml')))


def test_every_method_folder_has_a_metafile():
    folders = {osp.dirname(p) for p in glob.glob(
        osp.join(ROOT, 'configs', '*', '*.py'))
        if '_base_' not in p}
    assert folders == {osp.dirname(p) for p in METAFILES}


@pytest.mark.parametrize('path', METAFILES,
                         ids=[osp.basename(osp.dirname(p)) for p in METAFILES])
def test_metafile_points_at_existing_files(path):
    with open(path) as f:
        meta = yaml.safe_load(f)
    collections = {c['Name'] for c in meta['Collections']}
    for collection in meta['Collections']:
        assert osp.isfile(osp.join(ROOT, collection['README']))
    names = [m['Name'] for m in meta['Models']]
    assert len(names) == len(set(names)), 'duplicate model names'
    for model in meta['Models']:
        assert model['In Collection'] in collections, model['Name']
        assert osp.isfile(osp.join(ROOT, model['Config'])), model['Config']
        assert osp.splitext(osp.basename(model['Config']))[0] == \
            model['Name'], model['Name']
