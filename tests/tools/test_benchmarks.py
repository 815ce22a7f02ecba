"""benchmarks/gpu_throughput.py at toy size on the CPU: every recipe path
runs and reports its fields; its batch helpers (benchmarks/gpu_meter.py)."""
import json

import torch
from _helpers import load_script

gpu_throughput = load_script('benchmarks/gpu_throughput.py')
gpu_meter = load_script('benchmarks/gpu_meter.py')


def test_count_images_of_a_dual_stitchup_batch():
    img = torch.zeros(3, 4, 4)
    batch = dict(random=dict(inputs=[[img, img], [img, img]]),
                 balanced=dict(inputs=[[img, img]]))
    assert gpu_meter.count_images(batch) == 6
    assert gpu_meter.count_images(
        dict(inputs=torch.zeros(5, 3, 4, 4))) == 5


def test_channels_last_reaches_nested_batches():
    batch = dict(random=torch.zeros(2, 3, 4, 4),
                 balanced=[torch.zeros(1, 3, 4, 4), torch.zeros(3)])
    out = gpu_meter.to_channels_last(batch)
    assert out['random'].is_contiguous(memory_format=torch.channels_last)
    assert not out['random'].is_contiguous()
    assert out['balanced'][0].stride() == (48, 1, 12, 3)
    assert out['balanced'][1].shape == (3, )


def test_toy_run_reports_throughput_stall_and_memory(tmp_path):
    out = tmp_path / 'result.json'
    gpu_throughput.main(['--toy', '--recipes', 'hill', '--images', '80',
                         '--iters', '1', '--warmup', '1', '--workers', '1',
                         '--batch', '2', '--json', str(out)])
    with open(out) as f:
        result = json.load(f)
    assert set(result) == {'hill'}
    for loop in ('mlc', 'plain'):
        r = result['hill'][loop]
        assert r['batch'] == 2 and r['iterations'] == 1
        assert r['images_per_s'] > 0
        assert 0 <= r['stall_fraction'] < 1
        assert r['peak_memory_mib'] > 0
