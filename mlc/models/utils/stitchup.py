"""Label correction and Stitch-Up helpers of co-learning."""
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


def correct_labels(target: torch.Tensor, prob: torch.Tensor,
                   alpha: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """Labels corrected by a peer's probabilities.

    ``y_hat = 1`` where ``p > alpha_c``; then ``y_hat = 0`` where
    ``p < beta_c``; else the observed label.

    Args:
        target (Tensor): (B, C) observed labels in {1, 0, -1}.
        prob (Tensor): (B, C) peer probabilities.
        alpha (Tensor): (C,) adding thresholds (1 never adds).
        beta (Tensor): (C,) removing thresholds (0 never removes).

    Returns:
        Tensor: (B, C) corrected labels.
    """
    out = torch.where(prob > alpha, torch.ones_like(target), target)
    return torch.where(prob < beta, torch.zeros_like(target), out)


def label_union(y1: torch.Tensor, y2: torch.Tensor) -> torch.Tensor:
    """OR of two label sets in {1, 0, -1}: 1 if either is 1, 0 if both are
    0, else -1 (unknown)."""
    both_neg = (y1 == 0) & (y2 == 0)
    union = torch.where(both_neg, torch.zeros_like(y1), -torch.ones_like(y1))
    return torch.where((y1 == 1) | (y2 == 1), torch.ones_like(y1), union)


def stitchup_loss_parts(loss_fn, z_s: torch.Tensor, z_1: torch.Tensor,
                        z_2: torch.Tensor, y1: torch.Tensor, y2: torch.Tensor,
                        union: torch.Tensor
                        ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Feature-average Stitch-Up loss, split into its two parts.

    ``L_kc = [u_kc = 1] l(z_s; u) + [u_kc != 1] (l(z_1; y1) + l(z_2; y2)) / 2``
    (each term from ``loss_fn`` element-wise, so DB weights use ``u`` for
    ``z_s`` and each image's labels for its own logits), mean over B x C.

    Returns:
        tuple: positive part and negative part (they sum to the loss).
    """
    pos = loss_fn(z_s, union, reduction_override='none')
    neg = 0.5 * (loss_fn(z_1, y1, reduction_override='none') +
                 loss_fn(z_2, y2, reduction_override='none'))
    is_pos = union == 1
    return (torch.where(is_pos, pos, torch.zeros_like(pos)).mean(),
            torch.where(is_pos, torch.zeros_like(neg), neg).mean())


def splice_images(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """Resize (B, 3, H, W) anchors and partners to half width (bilinear)
    and put them side by side: (B, 3, H, W)."""
    h, w = x1.shape[-2:]
    left = F.interpolate(x1, size=(h, w // 2), mode='bilinear',
                         align_corners=False)
    right = F.interpolate(x2, size=(h, w - w // 2), mode='bilinear',
                          align_corners=False)
    return torch.cat([left, right], dim=3)


def stitch_views(x1: torch.Tensor, x2: Optional[torch.Tensor],
                 stitch: Optional[str], correct: bool
                 ) -> Dict[str, torch.Tensor]:
    """The (B, 3, H, W) images of one branch's batch that go through the
    trunk: ``anchor`` (and ``partner`` for ``'feature_avg'``), or the
    ``splice`` (plus anchors and partners to be corrected)."""
    if stitch is not None and x2 is None:
        raise ValueError('CoLearningClassifier: Stitch-Up needs partners '
                         '(wrap the training dataset in StitchUpDataset)')
    if stitch == 'image_splice':
        images = dict(splice=splice_images(x1, x2))
        if correct:
            images.update(anchor=x1, partner=x2)
        return images
    images = dict(anchor=x1)
    if stitch == 'feature_avg':
        images['partner'] = x2
    return images


def one_pass(fn: Callable[[torch.Tensor], torch.Tensor],
             images: Dict[str, Dict[str, torch.Tensor]]
             ) -> Dict[str, Dict[str, torch.Tensor]]:
    """``fn`` applied once to all images concatenated (in dict order), its
    output split back to ``images``' keys."""
    flat = [(name, key, x) for name, per in images.items()
            for key, x in per.items()]
    out = fn(torch.cat([x for _, _, x in flat]))
    split: Dict[str, Dict[str, torch.Tensor]] = {}
    start = 0
    for name, key, x in flat:
        split.setdefault(name, {})[key] = out[start:start + x.shape[0]]
        start += x.shape[0]
    return split


def feature_avg_loss(branch: nn.Module,
                     logits: Callable[[torch.Tensor], torch.Tensor],
                     feats: Dict[str, torch.Tensor], y1: torch.Tensor,
                     y2: torch.Tensor, union: torch.Tensor
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Feature-average Stitch-Up of one branch (``layer4``, ``neck``,
    ``head``) on trunk features ``anchor``/``partner``: positives of the
    (B, C) ``union`` from the averaged embedding, negatives from each
    image (half weight each); the two parts of
    :func:`stitchup_loss_parts`."""
    num = y1.shape[0]
    f = branch.layer4(torch.cat([feats['anchor'], feats['partner']]))
    e1 = branch.neck.embed(f[:num])
    e2 = branch.neck.embed(f[num:], partner=True)
    z = logits(torch.cat([(e1 + e2) / 2, e1, e2]))
    return stitchup_loss_parts(branch.head.loss_module, z[:num],
                               z[num:2 * num], z[2 * num:], y1, y2, union)
