"""mlc's missing-label losses vs the authors' formulas, side by side.

Target (issue 15): every mlc loss at most 1.0x the authors' implementation.
The references below re-implement, operation for operation and without any
masking or input checks, the published code: the Hill, SPLC and BCE/focal
losses of ``xinyu1205/robust-loss-mlml`` (its BCE and focal baselines run
through its ``AsymmetricLoss`` with gamma 0 and gamma 2, clip 0), ASL's
``AsymmetricLoss`` and ``AsymmetricLossOptimized`` (``Alibaba-MIIL/ASL``,
focal factor without gradient as in the recipe) and WAN's ``loss_wan``
(``elijahcole/single-positive-multi-label``: boolean-mask assignment,
``-log(x + 1e-5)``, mean).

Both sides are called as ``nn.Module``s (the authors' losses are modules).
Each pair gets the same float32 logits (B, C); the authors' code gets the
binary targets their loaders produce (1 positive, 0 otherwise), mlc gets
the {1, -1} targets of a missing-label list (no observed negatives, as the
Hill/SPLC lists; unknowns resolved by each loss's default rule), so both
compute the same number (asserted, value and gradient, before timing).
mlc's losses use the repo's config settings (``reduction='global_sum'``
etc.). Timed: forward + backward of the loss alone, one torch thread,
repetitions interleaved (robust to other load on the machine), median per
run; ``--runs`` repeats the whole measurement and reports the median ratio.

Run::

    python benchmarks/loss_vs_authors.py [--reps 30] [--runs 3] \
        [--losses ASL Hill]
"""
import argparse
import statistics
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from loss_setup import build_loss
from timing import SCALES, interleaved

import mlc  # noqa: F401
from mlc.utils import register_all_modules


# --- the authors' formulas, re-implemented plainly -------------------------
def authors_asl(x, y, gamma_neg=4., gamma_pos=1., clip=0.05, eps=1e-8):
    """``AsymmetricLoss`` (ASL and robust-loss-mlml), focal without grad."""
    x_sigmoid = torch.sigmoid(x)
    xs_pos, xs_neg = x_sigmoid, 1 - x_sigmoid
    if clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    loss = (y * torch.log(xs_pos.clamp(min=eps)) +
            (1 - y) * torch.log(xs_neg.clamp(min=eps)))
    if gamma_neg > 0 or gamma_pos > 0:
        torch.set_grad_enabled(False)
        pt = xs_pos * y + xs_neg * (1 - y)
        one_sided_w = torch.pow(1 - pt, gamma_pos * y + gamma_neg * (1 - y))
        torch.set_grad_enabled(True)
        loss *= one_sided_w
    return -loss.sum()


def authors_asl_optimized(x, y, gamma_neg=4., gamma_pos=1., clip=0.05,
                          eps=1e-8):
    """``AsymmetricLossOptimized`` (in-place ops), focal without grad."""
    anti_y = 1 - y
    xs_pos = torch.sigmoid(x)
    xs_neg = 1.0 - xs_pos
    if clip > 0:
        xs_neg.add_(clip).clamp_(max=1)
    loss = y * torch.log(xs_pos.clamp(min=eps))
    loss.add_(anti_y * torch.log(xs_neg.clamp(min=eps)))
    if gamma_neg > 0 or gamma_pos > 0:
        torch.set_grad_enabled(False)
        xs_pos = xs_pos * y
        xs_neg = xs_neg * anti_y
        w = torch.pow(1 - xs_pos - xs_neg, gamma_pos * y + gamma_neg * anti_y)
        torch.set_grad_enabled(True)
        loss *= w
    return -loss.sum()


def authors_hill(logits, targets, lamb=1.5, margin=1.0, gamma=2.0):
    """robust-loss-mlml ``Hill`` (sum)."""
    pred_pos = torch.sigmoid(logits - margin)
    pred_neg = torch.sigmoid(logits)
    focal_weight = ((1 - pred_pos) * targets + (1 - targets)) ** gamma
    los_pos = targets * torch.log(pred_pos)
    los_neg = (1 - targets) * -(lamb - pred_neg) * pred_neg ** 2
    loss = -(los_pos + los_neg)
    loss *= focal_weight
    return loss.sum()


def authors_splc(logits, targets, epoch=1, tau=0.6, change_epoch=1,
                 margin=1.0, gamma=2.0):
    """robust-loss-mlml ``SPLC`` (sum; its ``.cuda()`` constant on CPU)."""
    logits = torch.where(targets == 1, logits - margin, logits)
    if epoch >= change_epoch:
        targets = torch.where(torch.sigmoid(logits) > tau, torch.tensor(1),
                              targets)
    pred = torch.sigmoid(logits)
    focal_weight = ((1 - pred) * targets + pred * (1 - targets)) ** gamma
    los_pos = targets * F.logsigmoid(logits)
    los_neg = (1 - targets) * F.logsigmoid(-logits)
    loss = -(los_pos + los_neg)
    loss *= focal_weight
    return loss.sum()


def authors_wan(logits, observed_labels):
    """single-positive-multi-label ``loss_wan`` (0 = unobserved)."""
    def neg_log(x):
        return -torch.log(x + 1e-5)

    preds = torch.sigmoid(logits)
    gamma = 1 / float(observed_labels.shape[1] - 1)
    loss_mtx = torch.zeros_like(observed_labels)
    pos, unl = observed_labels == 1, observed_labels == 0
    loss_mtx[pos] = neg_log(preds[pos])
    loss_mtx[unl] = neg_log(1.0 - preds[unl])
    loss_mtx[unl] *= gamma
    return loss_mtx.mean()


class Authors(nn.Module):
    """The authors' losses are ``nn.Module``s: called the same way here."""

    def __init__(self, fn: Callable) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, logits: torch.Tensor,
                targets: torch.Tensor) -> torch.Tensor:
        return self.fn(logits, targets)


# mlc loss config (as in configs/) -> the authors' function it replaces
PAIRS: Dict[str, Tuple[dict, Callable]] = {
    'BCE': (dict(type='MaskedBCELoss', eps=1e-8, reduction='global_sum'),
            lambda x, y: authors_asl(x, y, 0., 0., 0.)),
    'Focal': (dict(type='MaskedFocalLoss', gamma=2., reduction='global_sum'),
              lambda x, y: authors_asl(x, y, 2., 2., 0.)),
    'ASL': (dict(type='MaskedASLLoss', gamma_pos=0., gamma_neg=4., clip=0.05,
                 reduction='global_sum'),
            lambda x, y: authors_asl(x, y, 4., 0., 0.05)),
    'ASL (optimized ref)': (
        dict(type='MaskedASLLoss', gamma_pos=0., gamma_neg=4., clip=0.05,
             reduction='global_sum'),
        lambda x, y: authors_asl_optimized(x, y, 4., 0., 0.05)),
    'Hill': (dict(type='HillLoss', reduction='global_sum'), authors_hill),
    'SPLC': (dict(type='SPLCLoss', reduction='global_sum'), authors_splc),
    'WAN': (dict(type='WANLoss', eps=1e-5, reduction='mean'), authors_wan),
}


def make_inputs(batch: int, classes: int):
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(batch, classes, generator=gen) * 2
    pos = torch.rand(batch, classes, generator=gen) < 0.3
    t = torch.where(pos, 1., -1.)  # mlc: positives and unknowns
    return z, t, pos.float()       # the authors: binary targets


def timed_fns(batch: int, classes: int) -> Dict[str, Callable]:
    """Forward + backward closures, checked to agree pairwise first."""
    z, t, y = make_inputs(batch, classes)

    def run(fn, target):
        def step():
            x = z.clone().requires_grad_(True)
            out = fn(x, target)
            out.backward()
            return out, x.grad
        return step

    fns = {}
    for name, (cfg, ref) in PAIRS.items():
        ours, theirs = run(build_loss(cfg), t), run(Authors(ref), y)
        for a, b in zip(ours(), theirs()):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
        fns[f'{name}|mlc'], fns[f'{name}|authors'] = ours, theirs
    return fns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=30)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--losses', nargs='+', choices=list(PAIRS),
                        default=list(PAIRS), help='subset to time')
    args = parser.parse_args()
    for name in set(PAIRS) - set(args.losses):
        del PAIRS[name]
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    ratios: Dict[str, Dict[str, List[float]]] = {}
    times: Dict[str, Dict[str, List[float]]] = {}
    for title, (batch, classes) in SCALES.items():
        fns = timed_fns(batch, classes)
        for _ in range(args.runs):
            med = interleaved(fns, args.reps)
            for name in PAIRS:
                mine, ref = med[f'{name}|mlc'], med[f'{name}|authors']
                ratios.setdefault(name, {}).setdefault(title, []).append(
                    mine / ref)
                times.setdefault(name, {}).setdefault(title, []).append(
                    (mine, ref))
    titles = list(SCALES)
    print(f'\nForward + backward, {args.threads} thread(s), median of '
          f'{args.reps} interleaved repetitions, {args.runs} run(s); '
          'time mlc / authors in ms, ratio = median over runs (each run)')
    print('| loss | ' + ' | '.join(f'{t}: mlc / authors | ratio'
                                   for t in titles) + ' |')
    print('|---|' + '---|---|' * len(titles))
    for name in PAIRS:
        cells = []
        for title in titles:
            mine = statistics.median(m for m, _ in times[name][title])
            ref = statistics.median(r for _, r in times[name][title])
            each = ', '.join(f'{r:.2f}' for r in ratios[name][title])
            cells.append(f'{mine * 1e3:.3f} / {ref * 1e3:.3f} | '
                         f'{statistics.median(ratios[name][title]):.2f}x '
                         f'({each})')
        print(f'| {name} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
