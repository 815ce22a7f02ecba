"""VPULoss and PUMixupConsistencyLoss: hand values, grads."""
import math
import multiprocessing as mp
import os
import socket

import pytest
import torch
from _helpers import rank_start_method

from mlc.models.losses import PUMixupConsistencyLoss, VPULoss

pytestmark = pytest.mark.usefixtures('one_thread')


def col(values, dtype=torch.float64):
    return torch.tensor(values, dtype=dtype)[:, None]


T4 = col([1., 1., 0., -1.])


def reference_vpu(z, t, alpha, gamma, temp_min=1e-4, exclude=False):
    """Independent per-class loop of the VPU loss (s and w as constants)."""
    total = z.new_zeros(())
    for c in range(z.shape[1]):
        zc, tc = z[:, c], t[:, c]
        sd = ((zc.detach() - zc.detach().mean())**2).mean().sqrt()
        s = min(max(alpha * float(sd), temp_min), 1.0)
        phi = torch.sigmoid(zc / s)
        pos = tc == 1
        lp = torch.log(phi[pos]).mean() if pos.any() else z.new_zeros(())
        unl = tc != 0 if exclude else torch.ones_like(pos)
        m = phi[unl].mean()
        w = float(m.detach())**gamma
        total = total + w * torch.log(m + 1e-10) - lp
    return total


@pytest.mark.parametrize('z, pos, unl, var', [
    ([2., 1., -1., 0.], -0.220095, -0.400295, -0.180201),
    ([0.2, 0.1, -0.1, 0.], -0.248667, -0.406052, -0.157385),
])
def test_vpu_hand_values(z, pos, unl, var):
    loss = VPULoss(temp_scale=1., rebalance_gamma=0.5)
    out, stats = loss.loss_and_stats(col(z), T4)
    assert out.item() == pytest.approx(var, abs=1e-6)
    assert stats['pu_pos'].item() == pytest.approx(pos, abs=1e-6)
    assert stats['pu_unl'].item() == pytest.approx(unl, abs=1e-6)
    # the second case is sharpened: s = 0.111803
    expected_temp = 1. if z[0] == 2. else 0.111803
    assert stats['pu_temp_mean'].item() == pytest.approx(expected_temp,
                                                         abs=1e-6)


def test_vpu_constant_logits_and_no_positive():
    loss = VPULoss(temp_scale=1., rebalance_gamma=0.5)
    z = torch.full((4, 2), 3.)
    z.requires_grad_(True)
    out, stats = loss.loss_and_stats(z, torch.tensor([[1., 0.]] * 4))
    assert torch.isfinite(out)
    out.backward()
    assert torch.isfinite(z.grad).all()
    assert stats['pu_num_temp_floor'].item() == 2
    assert stats['pu_num_cls_no_pos'].item() == 1
    # no positive: only the unlabeled term remains
    z = col([2., 1., -1., 0.])
    none = VPULoss(rebalance_gamma=0.5)(z, torch.zeros_like(z))
    assert none.item() == pytest.approx(-0.400295, abs=1e-6)


def test_vpu_batch_of_one_is_not_sharpened():
    """One sample has no logit spread: s_c = 1 (not s_min, which made this
    loss 1.5e4). Hand values, gamma = 0.5: phi = (0.182426, 0.880797);
    L_P = log 0.182426 = -1.701413; L_U = 0.182426**0.5 log 0.182426 +
    0.880797**0.5 log 0.880797 = -0.845819; L_var = 0.855595."""
    z = torch.tensor([[-1.5, 2.]], dtype=torch.float64, requires_grad=True)
    loss = VPULoss(temp_scale=1., rebalance_gamma=0.5)
    out, stats = loss.loss_and_stats(z, torch.tensor([[1., 0.]]))
    assert out.item() == pytest.approx(0.855595, abs=1e-6)
    assert stats['pu_pos'].item() == pytest.approx(-1.701413, abs=1e-6)
    assert stats['pu_temp_min'].item() == 1.
    out.backward()
    assert torch.isfinite(z.grad).all() and z.grad.abs().max() < 2
    # a trailing stat_chunk of one sample is guarded the same way
    z5 = torch.cat([torch.randn(4, 2, dtype=torch.float64), z.detach()])
    t5 = torch.tensor([[1., 0.]] * 5)
    chunked = VPULoss(temp_scale=1., rebalance_gamma=0.5, stat_chunk=4)
    expected = (loss(z5[:4], t5[:4]) + loss(z5[4:], t5[4:])) / 2
    torch.testing.assert_close(chunked(z5, t5), expected)
    assert loss(z5[4:], t5[4:]).item() == pytest.approx(0.855595, abs=1e-6)


def test_vpu_matches_independent_reference_and_stops_gradients():
    gen = torch.Generator().manual_seed(0)
    z = (0.3 * torch.randn(7, 5, generator=gen, dtype=torch.float64))
    t = torch.randint(-1, 2, (7, 5), generator=gen).double()
    for exclude in (False, True):
        za = z.clone().requires_grad_(True)
        zb = z.clone().requires_grad_(True)
        ours = VPULoss(temp_scale=2., rebalance_gamma=0.85,
                       negatives='exclude' if exclude else 'discard')(za, t)
        ref = reference_vpu(zb, t, 2., 0.85, exclude=exclude)
        torch.testing.assert_close(ours, ref)
        ours.backward()
        ref.backward()
        # the reference treats s_c and w_c as constants
        torch.testing.assert_close(za.grad, zb.grad)


def test_vpu_gradcheck_float64():
    # gamma = 0 and clamped temperatures (s = 1) make s_c and w_c locally
    # constant, so numerical and analytical gradients must agree
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(6, 4, generator=gen, dtype=torch.float64)
    z.requires_grad_(True)
    t = torch.randint(-1, 2, (6, 4), generator=gen).double()
    w = torch.rand(6, 4, generator=gen, dtype=torch.float64)
    loss = VPULoss(temp_scale=50., rebalance_gamma=0.)
    assert torch.autograd.gradcheck(lambda x: loss(x, t), (z, ))
    assert torch.autograd.gradcheck(lambda x: loss(x, t, weight=w), (z, ))


def test_vpu_unknowns_negatives_and_modes():
    z = col([0.2, 0.1, -0.1, 0.])
    discard = VPULoss(rebalance_gamma=0.5)
    exclude = VPULoss(rebalance_gamma=0.5, negatives='exclude')
    t_unknown = col([1., 1., -1., -1.])
    # 'unlabeled': -1 and 0 are the same (both unlabeled)
    torch.testing.assert_close(discard(z, T4), discard(z, t_unknown))
    # discard and exclude differ only when some t = 0
    torch.testing.assert_close(discard(z, t_unknown), exclude(z, t_unknown))
    assert discard(z, T4).item() != pytest.approx(exclude(z, T4).item())
    with pytest.raises(ValueError, match='unknown'):
        VPULoss(unknown_as='error')(z, T4)
    with pytest.raises(ValueError, match='unknown_as'):
        VPULoss(unknown_as='ignore')


def test_vpu_bad_input_reductions_weights_chunks():
    z = torch.randn(8, 3)
    t = torch.randint(0, 2, (8, 3)).float()
    loss = VPULoss(rebalance_gamma=0.5)
    with pytest.raises(ValueError, match='VPULoss.*targets must be in'):
        loss(z, t * 2)
    with pytest.raises(ValueError, match='VPULoss.*must both be'):
        loss(z, t[:, :2])
    bad = z.clone()
    bad[0, 0] = float('nan')
    with pytest.raises(ValueError, match='VPULoss.*NaN'):
        loss(bad, t)
    with pytest.raises(ValueError, match='VPULoss.*reduction'):
        loss(z, t, reduction_override='batchmean')
    per_class = loss(z, t, reduction_override='none')
    assert per_class.shape == (3, )
    torch.testing.assert_close(loss(z, t), per_class.sum())
    torch.testing.assert_close(loss(z, t, reduction_override='mean'),
                               per_class.mean())
    torch.testing.assert_close(
        VPULoss(rebalance_gamma=0.5, loss_weight=2.)(z, t), 2 * loss(z, t))
    # (B,) and (B, C) weights agree; with s = 1 a zero weight drops a sample
    flat = VPULoss(temp_scale=100., rebalance_gamma=0.5)
    w = torch.tensor([0., 1, 1, 1, 1, 1, 1, 1])
    torch.testing.assert_close(flat(z, t, weight=w),
                               flat(z, t, weight=w[:, None].expand_as(z)))
    torch.testing.assert_close(flat(z, t, weight=w), flat(z[1:], t[1:]))
    # stat_chunk: mean of the chunk losses with their own statistics
    chunked = VPULoss(rebalance_gamma=0.5, stat_chunk=4)
    torch.testing.assert_close(chunked(z, t),
                               (loss(z[:4], t[:4]) + loss(z[4:], t[4:])) / 2)
    assert loss(z.half(), t).dtype == torch.float32


def test_mix_hand_value_and_reduction():
    loss = PUMixupConsistencyLoss()
    out = loss(torch.zeros(1, 1), torch.full((1, 1), 0.6))
    assert out.item() == pytest.approx((math.log(0.6) - math.log(0.5))**2,
                                       abs=1e-6)
    assert out.item() == pytest.approx(0.033241, abs=1e-6)
    z = torch.randn(4, 3)
    t = torch.rand(4, 3)
    entries = loss(z, t, reduction_override='none')
    torch.testing.assert_close(loss(z, t), entries.sum() / 4)
    torch.testing.assert_close(loss(z, t, reduction_override='mean'),
                               entries.mean())
    # values are checked on a loss's first call (no per-step device sync)
    with pytest.raises(ValueError, match='PUMixupConsistencyLoss.*\\[0, 1\\]'):
        PUMixupConsistencyLoss()(z, t - 1)
    with pytest.raises(ValueError, match='PUMixupConsistencyLoss.*NaN'):
        PUMixupConsistencyLoss()(z / 0 * 0, t)


def test_mix_gradcheck_float64():
    gen = torch.Generator().manual_seed(2)
    z = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    t = torch.rand(3, 4, generator=gen, dtype=torch.float64)
    z.requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda x: PUMixupConsistencyLoss()(x, t), (z, ))


def test_mix_halves_soft_targets_and_detach():
    loss = PUMixupConsistencyLoss()
    inputs = torch.randn(5, 2, 3, 3, requires_grad=True)
    z = torch.randn(5, 4, requires_grad=True)
    t = torch.tensor([[1., 0., -1., 1.]] * 5)
    soft = loss.soft_targets(z, t)
    torch.testing.assert_close(soft[:, [0, 3]], torch.ones(5, 2))
    torch.testing.assert_close(soft[:, [1, 2]],
                               torch.sigmoid(z[:, [1, 2]]))
    torch.manual_seed(0)
    x_mix, t_mix, lam = loss.mix(inputs, soft)
    assert x_mix.shape == (2, 2, 3, 3) and t_mix.shape == (2, 4)
    x_mix.sum().backward(retain_graph=True)
    # X1 = samples 0-1, X2 = samples 3-4, the middle sample is unused
    assert (inputs.grad[2] == 0).all()
    torch.testing.assert_close(inputs.grad[3:], torch.full_like(
        inputs.grad[3:], 1 - lam))
    torch.testing.assert_close(inputs.grad[:2], torch.full_like(
        inputs.grad[:2], lam))
    torch.manual_seed(0)
    x_again, _, lam_again = loss.mix(inputs, soft)
    assert lam_again == lam and torch.equal(x_again, x_mix)
    # the soft targets carry gradient to the main logits unless detached
    loss(torch.zeros(2, 4), t_mix).backward()
    assert z.grad.abs().sum() > 0
    z.grad = None
    detached = PUMixupConsistencyLoss(detach_mix_targets=True)
    _, t_det, _ = detached.mix(inputs, detached.soft_targets(z, t))
    assert not t_det.requires_grad


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _sync_worker(rank, world, port, z, t, queue):
    import torch.distributed as dist
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    rows = slice(rank * 3, (rank + 1) * 3)
    local = z[rows].clone().requires_grad_(True)
    loss = VPULoss(rebalance_gamma=0.5, sync_batch_stats=True)(local, t[rows])
    loss.backward()
    queue.put((rank, loss.item(), local.grad.tolist()))
    dist.destroy_process_group()


def test_vpu_sync_batch_stats_equals_global_batch():
    gen = torch.Generator().manual_seed(3)
    z = 0.5 * torch.randn(6, 3, generator=gen, dtype=torch.float64)
    t = torch.randint(-1, 2, (6, 3), generator=gen).double()
    ctx = mp.get_context(rank_start_method())
    queue = ctx.Queue()
    port = _free_port()
    procs = [ctx.Process(target=_sync_worker, args=(r, 2, port, z, t, queue))
             for r in range(2)]
    for p in procs:
        p.start()
    results = sorted(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    full = z.clone().requires_grad_(True)
    expected = VPULoss(rebalance_gamma=0.5)(full, t)
    expected.backward()
    for rank, value, grad in results:
        assert value == pytest.approx(expected.item(), abs=1e-10)
        # scaled by the world size: DDP's average gives the global gradient
        torch.testing.assert_close(torch.tensor(grad, dtype=z.dtype) / 2,
                                   full.grad[rank * 3:(rank + 1) * 3])
