"""mlc.apis: init_model + inference_model on a trained checkpoint."""
import numpy as np
import torch
from conftest import tiny_config
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

import mlc  # noqa: F401
from mlc.apis import inference_model, init_model
from mlc.utils import register_all_modules


def test_inference_from_path_and_array_match_test_step(tiny_data, tmp_path):
    register_all_modules(init_default_scope=False)
    cfg = Config(tiny_config(tiny_data, str(tmp_path / 'work'),
                             max_epochs=1))
    runner = Runner.from_cfg(cfg)
    runner.train()
    ckpt = str(tmp_path / 'work' / 'epoch_1.pth')

    model = init_model(cfg, ckpt)
    assert model.dataset_meta['classes'] == ('c0', 'c1', 'c2', 'c3')
    path = f'{tiny_data}/images/test/00000.png'
    result = inference_model(model, path, thr=0.0)
    assert result['pred_score'].shape == (4, )
    assert result['pred_label'] == [0, 1, 2, 3]
    assert result['pred_class'] == ['c0', 'c1', 'c2', 'c3']

    # same scores as the runner's own test pipeline on that image
    data = runner.test_dataloader.dataset[0]
    runner.model.eval()
    with torch.no_grad():
        expected = runner.model.test_step(
            dict(inputs=[data['inputs']],
                 data_samples=[data['data_samples']]))[0].pred_score
    np.testing.assert_allclose(result['pred_score'], expected.numpy(),
                               rtol=1e-5, atol=1e-6)
    # a BGR array gives the same result as the file
    bgr = np.asarray(Image.open(path).convert('RGB'))[..., ::-1].copy()
    np.testing.assert_allclose(
        inference_model(model, bgr)['pred_score'], result['pred_score'],
        rtol=1e-5, atol=1e-6)
