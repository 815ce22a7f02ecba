"""Config check: every problem in one error; dataset arguments the type does
not take name the loader, the type and the key and suggest ``_delete_``."""

import pytest
from mmengine.config import Config

from mlc.utils.cli import run_cli
from mlc.utils.config_check import ConfigError, check_config


def _loader(**dataset):
    return dict(batch_size=2, dataset=dict(type='MLCDataset',
                                           ann_file='test.json', **dataset))


def test_leftover_dataset_argument_names_loader_type_key():
    """The DigitMosaic recipe's `variant` left in a COCO dataset (merged
    without `_delete_=True`) is named before the dataset is built."""
    cfg = Config(dict(
        model=dict(),
        train_dataloader=dict(batch_size=2, dataset=dict(
            type='COCOMultiLabel', ann_file='train.json', variant='pl',
            split='train'))))
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    msg = str(err.value)
    assert msg.startswith('2 config problems:')
    assert ('train_dataloader.dataset: type COCOMultiLabel takes no '
            'argument "variant"') in msg
    assert 'argument "split"' in msg and '_delete_=True' in msg


def test_dataset_arguments_of_the_chain_are_accepted():
    check_config(Config(dict(
        model=dict(),
        train_dataloader=dict(batch_size=2, dataset=dict(
            type='COCOMultiLabel', ann_file='train.json', unlisted=-1,
            data_prefix='train', pipeline=[], cache=False, test_mode=False)))))


def test_wrapped_dataset_arguments_are_checked():
    cfg = Config(dict(model=dict(), train_dataloader=dict(
        batch_size=2, dataset=dict(type='StitchUpDataset', dataset=dict(
            type='ListFileDataset', ann_file='x.txt', varaint='pl')))))
    with pytest.raises(ConfigError,
                       match=r'train_dataloader\.dataset\.dataset: type '
                       'ListFileDataset takes no argument "varaint"'):
        check_config(cfg)


def test_val_on_test_reports_both_problems_at_once():
    loader = _loader()
    cfg = Config(dict(model=dict(), train_dataloader=loader,
                      val_dataloader=loader, test_dataloader=loader,
                      val_cfg=dict(),
                      val_evaluator=dict(type='MLCAveragePrecision'),
                      default_hooks=dict(checkpoint=dict(save_best='auto')),
                      train_dataloder=dict()))
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    lines = str(err.value).split('\n')
    assert lines[0] == '3 config problems:'
    assert lines[1].startswith('(1) unknown config key "train_dataloder"')
    assert 'save_best must be None' in lines[2]
    assert 'prefix="test_monitor"' in lines[3]


def test_cli_shows_every_problem(capsys):
    def main():
        check_config(Config(dict(model=dict(), optim_wraper=dict(),
                                 train_dataloder=dict())))

    with pytest.raises(SystemExit) as err:
        run_cli(main, debug=False)
    text = str(err.value.code)
    assert text.startswith('error: ConfigError: 2 config problems: (1) ')
    assert '(2) unknown config key' in text and '\n' not in text
