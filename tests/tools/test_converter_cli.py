"""tools/dataset_converters/converter_cli.py and the provenance-stamped
annotation of converter_utils.py: the parts every converter shares, and
every converter's entry point through run_converter."""
import ast
import os
import os.path as osp
import runpy
import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools', 'dataset_converters'))

from converter_cli import (  # noqa: E402
    add_image_check,
    add_output,
    check_requested_images,
    converter_parser,
)
from converter_utils import converted_annotation  # noqa: E402

from mlc.datasets.readers import file_sha1  # noqa: E402

DOC = """Tiny converter: one line of help.

Example::

    python tiny.py in out
"""


def parser(img_root: bool = True):
    parser = converter_parser(DOC)
    add_output(parser)
    add_image_check(parser, img_root)
    return parser


def test_parser_describes_the_tool_by_its_first_docstring_line():
    p = parser()
    assert p.description == 'Tiny converter: one line of help.'
    args = p.parse_args(['o.json'])
    assert args.out == 'o.json' and not args.check_images
    assert args.img_root is None
    assert not hasattr(parser(img_root=False).parse_args(['o']), 'img_root')


def test_image_check_only_when_asked_and_needs_a_folder(tmp_path, capsys):
    (tmp_path / 'a.jpg').write_bytes(b'')
    p = parser()
    # not asked: nothing is looked at, not even a missing file
    check_requested_images(p, p.parse_args(['o']), ['nope.jpg'])
    with pytest.raises(SystemExit):
        check_requested_images(p, p.parse_args(['o', '--check-images']),
                               ['a.jpg'])
    assert '--check-images needs --img-root' in capsys.readouterr().err
    args = p.parse_args(['o', '--check-images', '--img-root',
                         str(tmp_path)])
    check_requested_images(p, args, ['a.jpg'])
    with pytest.raises(FileNotFoundError, match=r"1 of 2 .*\['b.jpg'\]"):
        check_requested_images(p, args, ['a.jpg', 'b.jpg'])
    # a folder the converter knows (VOC root) stands for --img-root
    p = parser(img_root=False)
    check_requested_images(p, p.parse_args(['o', '--check-images']),
                           ['a.jpg'], str(tmp_path))


def test_converted_annotation_carries_one_provenance_entry(tmp_path):
    src = tmp_path / 'in.txt'
    src.write_text('x\n')
    labels = np.array([[1, -1], [0, 1]], np.int8)
    ann = converted_annotation('tiny', dict(k=1), [str(src)], ['a', 'b'],
                               labels, ['c0', 'c1'], unlisted=-1,
                               source='test', info=dict(n=2))
    assert ann['metainfo']['provenance'] == [dict(
        op='tiny', params=dict(k=1), seed=None,
        input_sha1=file_sha1(str(src)),
        tool_version=ann['metainfo']['provenance'][0]['tool_version'],
        info=dict(n=2))]
    assert ann['metainfo']['source'] == 'test'
    assert ann['metainfo']['unlisted'] == -1
    assert [(e['pos'], e['neg']) for e in ann['data_list']] == [
        ([0], []), ([1], [0])]


CONVERTERS = sorted(
    name for name in os.listdir(osp.join(ROOT, 'tools', 'dataset_converters'))
    if name.endswith('.py') and name not in ('converter_cli.py',
                                             'converter_utils.py'))
#: tools that report bad input in one line without run_converter:
#: make_cifar_lt_pll.py calls run_cli with its own --debug option,
#: make_digitmosaic.py ends with parser.exit on a build error
OWN_ERROR_HANDLING = ('make_cifar_lt_pll.py', 'make_digitmosaic.py')


def main_block_calls(path: str) -> list:
    """Names of the functions called in the ``if __name__ == '__main__'``
    block of ``path``."""
    tree = ast.parse(open(path, encoding='utf-8').read())
    blocks = [node for node in tree.body if isinstance(node, ast.If)
              and ast.unparse(node.test) == "__name__ == '__main__'"]
    return [ast.unparse(call.func) for block in blocks
            for call in ast.walk(block) if isinstance(call, ast.Call)]


@pytest.mark.parametrize('name', [n for n in CONVERTERS
                                  if n not in OWN_ERROR_HANDLING])
def test_converter_main_goes_through_run_converter(name):
    calls = main_block_calls(
        osp.join(ROOT, 'tools', 'dataset_converters', name))
    assert calls == ['cli.run_converter'], (name, calls)


def test_malformed_input_of_corrupt_labels_is_one_line(tmp_path,
                                                       monkeypatch):
    # the script run as __main__, in-process
    bad = tmp_path / 'bad.json'
    bad.write_text('{"metainfo": {}, "data_list": [')
    script = osp.join(ROOT, 'tools', 'dataset_converters', 'corrupt_labels.py')
    monkeypatch.setattr(sys, 'argv', [
        script, str(bad), str(tmp_path / 'out.json'),
        '--op', 'keep_positives_bernoulli:p_keep=0.5'])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(script, run_name='__main__')
    message = info.value.code
    assert isinstance(message, str) and '\n' not in message, message
    assert message.startswith('error: ') and str(bad) in message, message
    assert not (tmp_path / 'out.json').exists()
