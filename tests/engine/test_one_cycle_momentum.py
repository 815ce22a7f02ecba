"""OneCycleMomentum against torch's OneCycleLR momentum cycle."""
import pytest
import torch

from mlc.engine.schedulers import OneCycleMomentum


def params():
    return [torch.nn.Parameter(torch.zeros(1))]


@pytest.mark.parametrize('strategy', ['cos', 'linear'])
@pytest.mark.parametrize('optim', ['sgd', 'adam'])
def test_matches_torch_one_cycle(strategy, optim):
    def make():
        if optim == 'sgd':
            return torch.optim.SGD(params(), lr=0.1, momentum=0.9)
        return torch.optim.Adam(params(), lr=0.1, betas=(0.9, 0.999))

    ours_opt, ref_opt = make(), make()
    total = 23
    ours = OneCycleMomentum(ours_opt, base_momentum=0.85, max_momentum=0.95,
                            total_steps=total, pct_start=0.2,
                            anneal_strategy=strategy, by_epoch=False)
    ref = torch.optim.lr_scheduler.OneCycleLR(
        ref_opt, max_lr=0.1, total_steps=total, pct_start=0.2,
        anneal_strategy=strategy, base_momentum=0.85, max_momentum=0.95)
    key = 'momentum' if optim == 'sgd' else 'betas'
    for _ in range(total - 1):
        got = ours_opt.param_groups[0][key]
        want = ref_opt.param_groups[0][key]
        if optim == 'adam':
            assert got[1] == want[1] == 0.999
            got, want = got[0], want[0]
        assert abs(got - want) < 1e-12
        ours_opt.step()
        ref_opt.step()
        ours.step()
        ref.step()


def test_epoch_config_converts_total_steps():
    opt = torch.optim.Adam(params(), lr=0.1)
    sched = OneCycleMomentum.build_iter_from_epoch(
        opt, total_steps=80, pct_start=0.2, epoch_length=10)
    assert sched.total_steps == 800 and not sched.by_epoch
    assert opt.param_groups[0]['betas'][0] == pytest.approx(0.95)
    with pytest.raises(ValueError, match='OneCycleMomentum: pct_start'):
        OneCycleMomentum(opt, total_steps=10, pct_start=1.5)


def test_recipe_stopped_at_31_of_80_epochs():
    # Hill/SPLC recipe: LR at the stop is ~0.87 x max [derived]
    from mmengine.optim import OneCycleLR, OptimWrapper
    wrapper = OptimWrapper(torch.optim.Adam(params(), lr=1e-4))
    kw = dict(total_steps=80, pct_start=0.2, epoch_length=10)
    lr = OneCycleLR.build_iter_from_epoch(wrapper, eta_max=1e-4, **kw)
    mom = OneCycleMomentum.build_iter_from_epoch(wrapper, **kw)
    for _ in range(31 * 10 - 1):
        wrapper.step()
        lr.step()
        mom.step()
    group = wrapper.param_groups[0]
    assert group['lr'] / 1e-4 == pytest.approx(0.8705, abs=1e-3)
    assert 0.85 < group['betas'][0] < 0.87
