"""Under mixed-precision training (``--bf16`` / ``--amp``) the losses and
SoLar's Sinkhorn refinery compute what they compute in float32, to the bit:
autocast would otherwise run their matrix products (COMIC's co-occurrence
prior, the Sinkhorn iterations) in half precision."""
import pytest
import torch

from mlc.models.losses import CORRLoss, HeadTailBalancerLoss, MLCLossBase
from mlc.models.utils import sinkhorn
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules()

#: a 3-class co-occurrence with distinct counts: its prior is a real
#: matrix product
COOC = [[9., 2., 1.], [2., 7., 3.], [1., 3., 5.]]


def under_bf16(fn, *args):
    with torch.autocast('cpu', torch.bfloat16):
        return fn(*args)


def scores(seed=0, b=8, c=3):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(b, c, generator=gen)
    t = torch.randint(-1, 2, (b, c), generator=gen).float()
    return z, t


@pytest.mark.parametrize('name', sorted(
    n for n, cls in MODELS.module_dict.items()
    if isinstance(cls, type) and issubclass(cls, MLCLossBase)))
def test_every_element_wise_loss_ignores_autocast(name):
    loss = MODELS.build(dict(type=name))
    z, t = scores()
    assert torch.equal(under_bf16(loss, z, t), loss(z, t))


def test_comic_cooccurrence_prior_stays_float32():
    mfm = MODELS.build(dict(type='MultiFocalModifierLoss',
                            class_freq=[20., 8., 3.], cooccurrence=COOC))
    hybrid = HeadTailBalancerLoss(loss=dict(
        type='MultiFocalModifierLoss', class_freq=[20., 8., 3.],
        cooccurrence=COOC))
    z, t = scores()
    y = t.clamp(min=0)
    prior = mfm.cooccurrence_prior(y)
    with torch.autocast('cpu', torch.bfloat16):
        # what the loss would use without its float32 region
        assert not torch.equal(mfm.cooccurrence_prior(y), prior)
    assert torch.equal(under_bf16(mfm, z, t), mfm(z, t))
    zh, zt = z.flip(0), z.flip(1)
    assert all(torch.equal(a, b) for a, b in zip(
        under_bf16(hybrid, zh, zt, z, t), hybrid(zh, zt, z, t)))


def test_pll_loss_and_sinkhorn_ignore_autocast():
    gen = torch.Generator().manual_seed(1)
    views = [torch.randn(16, 4, generator=gen) for _ in range(2)]
    cand = (torch.rand(16, 4, generator=gen) < .5).float()
    cand[:, 0] = 1
    conf = cand / cand.sum(1, keepdim=True)
    assert torch.equal(under_bf16(CORRLoss(), views, conf),
                       CORRLoss()(views, conf))
    cost = views[0].softmax(1) * cand
    prior = torch.tensor([.4, .3, .2, .1])
    assert torch.equal(under_bf16(sinkhorn, cost, prior),
                       sinkhorn(cost, prior))
