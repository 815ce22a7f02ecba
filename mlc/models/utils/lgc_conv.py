"""Local-global convolution (LGC) of PU-MLC and its ResNet converter."""
from typing import Sequence

import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.model import BaseModule


class GlobalBranch(BaseModule):
    """Global branch GB(x) added to a 3x3 convolution.

    ``u = ReLU(conv_u(x))`` (C_in / r channels), ``q = [u; mean(u)]``;
    ``heads`` aggregation maps softmax-normalised over positions and
    ``heads`` sigmoid broadcast gates from ``q``; ``v = conv_v(x)`` split
    into heads is pooled with the aggregation maps, broadcast with the gates
    and added to ``x``; ``GB(x) = BN(conv_proj(x + v'))`` with the 3x3
    conv's stride. All convs 1x1 with bias (as the code).

    Args:
        in_channels (int): C_in (divisible by ``heads`` and ``reduction``).
        out_channels (int): C_out of the wrapped conv.
        stride (int): Stride of the wrapped conv.
        heads (int): Number of heads. Defaults to 8.
        reduction (int): Channel reduction r of ``u``. Defaults to 4.
        gamma_std (float): Std of the normal init of the output BN's gamma
            (beta = 0), so the branch starts near 0. Defaults to 1e-4;
            0 makes the converted conv start exactly equal to the original.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 heads: int = 8,
                 reduction: int = 4,
                 gamma_std: float = 1e-4) -> None:
        super().__init__()
        if in_channels % heads or in_channels % reduction:
            raise ValueError(f'LGC global branch: in_channels {in_channels} '
                             f'must be divisible by heads={heads} and '
                             f'reduction={reduction}')
        mid = in_channels // reduction
        self.heads = heads
        self.gamma_std = gamma_std
        self.reduce = nn.Conv2d(in_channels, mid, 1)
        self.agg_attn = nn.Conv2d(2 * mid, heads, 1)
        self.broad_attn = nn.Conv2d(2 * mid, heads, 1)
        self.value = nn.Conv2d(in_channels, in_channels, 1)
        self.proj = nn.Conv2d(in_channels, out_channels, 1, stride=stride)
        self.norm = nn.BatchNorm2d(out_channels)
        self.init_weights()

    def init_weights(self) -> None:
        """PyTorch default convs; output BN gamma ~ N(0, gamma_std), beta 0.

        Also undoes any layer-type init a parent ``init_cfg`` applied (e.g.
        ResNet's Kaiming convs and constant-1 BNs).
        """
        for conv in (self.reduce, self.agg_attn, self.broad_attn, self.value,
                     self.proj):
            conv.reset_parameters()
        self.norm.reset_parameters()
        nn.init.normal_(self.norm.weight, 0., self.gamma_std)
        nn.init.zeros_(self.norm.bias)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        """(B, heads, H*W) aggregation maps (each sums to 1 over positions)."""
        return self._maps(x)[0]

    def _maps(self, x: torch.Tensor):
        h, w = x.shape[2:]
        local = torch.relu(self.reduce(x))
        hidden = torch.cat(
            [local, local.mean((2, 3), keepdim=True).expand(-1, -1, h, w)], 1)
        agg = self.agg_attn(hidden).flatten(2).softmax(dim=2)
        gate = torch.sigmoid(self.broad_attn(hidden)).flatten(2)
        return agg, gate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C_in, H, W) -> (B, C_out, H / stride, W / stride)."""
        b, c, h, w = x.shape
        agg, gate = self._maps(x)
        value = self.value(x).view(b, self.heads, c // self.heads, h * w)
        pooled = torch.einsum('bkcp,bkp->bkc', value, agg)
        broad = pooled.unsqueeze(-1) * gate.unsqueeze(2)
        return self.norm(self.proj(x + broad.reshape(b, c, h, w)))


class LGCConv2d(nn.Conv2d):
    """A 3x3 ``nn.Conv2d`` plus a :class:`GlobalBranch`: ``conv(x) + GB(x)``.

    Subclasses ``nn.Conv2d`` so the 3x3 weight keeps its state-dict key and
    pretrained checkpoints load unchanged (only ``global_branch.*`` keys are
    missing). Build it with :meth:`from_conv`.
    """

    def __init__(self, *args, heads: int = 8, reduction: int = 4,
                 gamma_std: float = 1e-4, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.groups != 1 or self.kernel_size != (3, 3):
            raise ValueError('LGCConv2d wraps square 3x3 convs with '
                             f'groups=1, got kernel {self.kernel_size}, '
                             f'groups {self.groups}')
        self.global_branch = GlobalBranch(self.in_channels, self.out_channels,
                                          self.stride[0], heads, reduction,
                                          gamma_std)

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, **kwargs) -> 'LGCConv2d':
        """Wrap ``conv``: same hyper-parameters, weight and bias copied."""
        lgc = cls(conv.in_channels, conv.out_channels, conv.kernel_size,
                  stride=conv.stride, padding=conv.padding,
                  dilation=conv.dilation, groups=conv.groups,
                  bias=conv.bias is not None, padding_mode=conv.padding_mode,
                  **kwargs)
        lgc.to(device=conv.weight.device, dtype=conv.weight.dtype)
        with torch.no_grad():
            lgc.weight.copy_(conv.weight)
            if conv.bias is not None:
                lgc.bias.copy_(conv.bias)
        lgc.weight.requires_grad_(conv.weight.requires_grad)
        return lgc

    def init_weights(self) -> None:
        """Initialise the global branch only (never the 3x3 weight)."""
        self.global_branch.init_weights()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x) + self.global_branch(x)


def convert_to_lgc(module: nn.Module,
                   heads: int = 8,
                   reduction: int = 4,
                   stages: Sequence[str] = ('layer1', 'layer2', 'layer3',
                                            'layer4'),
                   gamma_std: float = 1e-4) -> int:
    """Replace every square 3x3 ``nn.Conv2d`` inside ``stages`` by LGC.

    Call before the optimiser and the DDP wrapper are built. The stem is
    not converted (only children named in ``stages``).

    Args:
        module (nn.Module): A ResNet (mmpretrain ``ResNet``/``ResNet_CIFAR``).
        heads, reduction, gamma_std: See :class:`GlobalBranch`.
        stages (Sequence[str]): Names of the stage submodules to convert.

    Returns:
        int: Number of converted convs (ResNet-50: 16, ResNet-101: 33).
    """
    missing = [s for s in stages if not hasattr(module, s)]
    if missing:
        raise ValueError(f'convert_to_lgc: {type(module).__name__} has no '
                         f'stage(s) {missing}')
    count = 0
    for stage in stages:
        for parent in list(getattr(module, stage).modules()):
            for name, child in list(parent.named_children()):
                if (type(child) is nn.Conv2d and child.kernel_size == (3, 3)
                        and child.groups == 1):
                    setattr(parent, name, LGCConv2d.from_conv(
                        child, heads=heads, reduction=reduction,
                        gamma_std=gamma_std))
                    count += 1
    MMLogger.get_current_instance().info(
        f'convert_to_lgc: {count} 3x3 convs of {list(stages)} gained a global '
        f'branch (heads={heads}, reduction={reduction})')
    return count
