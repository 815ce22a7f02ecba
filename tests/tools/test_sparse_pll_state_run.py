"""A PLL run with the confidences held only on the candidate sets trains
exactly as the dense table, and resumes exactly."""
import pytest
import torch
from test_pll_train_resume import make_tiny_pll, pll_config, run_inprocess

from mlc.models.utils import PLLState


@pytest.fixture
def tiny_pll_data(tmp_path):
    root = str(tmp_path / 'tiny_pll')
    make_tiny_pll(root, split='train')
    make_tiny_pll(root, num=12, split='test', seed=1)
    return root


def config(root, work_dir, storage):
    cfg = pll_config(root, work_dir, dict(type='PLLLinearHead',
                                          prior='records', mixup=True))
    cfg['model']['state_storage'] = storage
    cfg['train_dataloader']['dataset']['class_split'] = None
    cfg['val_dataloader']['dataset']['class_split'] = None
    cfg['test_dataloader']['dataset']['class_split'] = None
    return cfg


def test_sparse_confidences_train_and_resume_as_dense(tiny_pll_data,
                                                      tmp_path):
    run_inprocess(config(tiny_pll_data, str(tmp_path / 'dense'), 'dense'))
    run_inprocess(config(tiny_pll_data, str(tmp_path / 'sparse'), 'sparse'))
    part = config(tiny_pll_data, str(tmp_path / 'part'), 'sparse')
    run_inprocess(part, stop_at=1)
    run_inprocess(part, resume=True)
    dense, sparse, resumed = (
        torch.load(tmp_path / run / 'epoch_2.pth',
                   weights_only=True)['state_dict']
        for run in ('dense', 'sparse', 'part'))
    assert 'state.conf.values' in sparse and 'state.conf' not in sparse
    assert set(resumed) == set(sparse)
    for key, value in sparse.items():  # resumed == uninterrupted
        torch.testing.assert_close(resumed[key], value, rtol=0, atol=0,
                                   msg=key)
    for key, value in dense.items():  # sparse == dense, bit for bit
        if key not in ('state.conf', 'state.init_mask'):
            torch.testing.assert_close(sparse[key], value, rtol=0, atol=0,
                                       msg=key)
    state = PLLState()
    state.load_state_dict({k[6:]: v for k, v in sparse.items()
                           if k.startswith('state.')})
    every = torch.arange(16)
    assert torch.equal(state.conf_rows(every), dense['state.conf'])
    assert torch.equal(state.mask_rows(every), dense['state.init_mask'])
    init = dense['state.init_mask'].float()
    assert not torch.equal(dense['state.conf'],
                           init / init.sum(1, keepdim=True))  # updated
