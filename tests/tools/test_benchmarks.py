"""benchmarks/gpu_throughput.py at toy size on the CPU: every recipe path
runs and reports its fields; its batch helpers (benchmarks/gpu_meter.py)."""
import json

import pytest
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


def test_bf16_training_times_both_precisions_from_the_same_start():
    """One timed step each: both rates positive, and the first losses (same
    weights, same batch) agree to bfloat16's precision."""
    bf16 = load_script('benchmarks/bf16_training.py')
    out = bf16.measure('configs/baselines/bce_r18_digitmosaic-pl40.py', 1, 1)
    assert out['fp32_steps_per_s'] > 0 and out['bf16_steps_per_s'] > 0
    assert out['bf16_vs_fp32'] > 0
    assert abs(out['first_loss_fp32'] - out['first_loss_bf16']) < 0.02


def test_bf16_compare_pairs_the_same_seeds(tmp_path):
    """Hand-made records: the cell's two shared seeds are compared (a seed
    in one file only is left out); 60, 62 vs 61, 65 -> 61 ± 1 vs 63 ± 2,
    +2.00; time 2x; the trunk (no seed) is its own row."""
    bf16 = load_script('benchmarks/bf16_training.py')
    rows = {'fp32': [(0, 60.0, 100), (1, 62.0, 100), (2, 99.0, 100)],
            'bf16': [(0, 61.0, 50), (1, 65.0, 50)]}
    wrappers = dict(fp32='OptimWrapper', bf16='AutocastOptimWrapper')
    for name, runs in rows.items():
        (tmp_path / f'{name}.jsonl').write_text(''.join(json.dumps(dict(
            run=f'multilabel/bce/missing/seed{s}', seconds=t,
            metrics={'multi-label/mAP': v}, optim_wrapper=wrappers[name]))
            + '\n' for s, v, t in runs) + json.dumps(dict(
                run='pretrain/hard', seconds=90, optim_wrapper=wrappers[name],
                metrics={'multi-label/mAP': runs[0][1]})) + '\n')
    with pytest.raises(ValueError, match='bf16.jsonl: multilabel/bce/missing'
                       '/seed0 did not train under OptimWrapper'):
        bf16.compare(str(tmp_path / 'bf16.jsonl'),
                     str(tmp_path / 'fp32.jsonl'))
    lines = bf16.compare(str(tmp_path / 'fp32.jsonl'),
                         str(tmp_path / 'bf16.jsonl'))
    assert lines[2:] == [
        '| multilabel/bce/missing | 2 | 61.00 ± 1.00 | 63.00 ± 2.00 | '
        '+2.00 | 100 | 50 | 2.00x |',
        '| pretrain/hard | 1 | 60.00 ± 0.00 | 61.00 ± 0.00 | +1.00 | 90 | '
        '90 | 1.00x |']
