"""SSGRL-style word-vector head of PU-MLC (semantic decoupling + GGNN)."""
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmpretrain.models.heads import MultiLabelClsHead
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from ..utils.class_stats import ClassStats
from ..utils.targets import stack_targets


def cooccurrence_adjacency(observed: np.ndarray) -> np.ndarray:
    """(C, C) graph ``A[i, j] = #(i and j positive) / #(i positive)``.

    Only observed positives (value 1) count; unknowns and negatives are
    ignored. The diagonal is 1 and a class without any observed positive
    gets the identity row (the official code leaves NaN there).

    Args:
        observed (np.ndarray): (N, C) observed labels in {1, 0, -1}.
    """
    counts = ClassStats.from_labels(observed).cooccurrence
    return adjacency_from_counts(counts).numpy()


def adjacency_from_counts(counts: torch.Tensor) -> torch.Tensor:
    """Row-normalised float64 graph of (C, C) pair counts, diagonal 1."""
    counts = counts.to(torch.float64)
    num = counts.diagonal()[:, None]
    adj = torch.where(num > 0, counts / num.clamp(min=1),
                      torch.zeros_like(counts))
    adj.fill_diagonal_(1.)
    return adj


def load_word_vectors(path: str, num_classes: int) -> np.ndarray:
    """(C, D) float32 class word vectors from a plain ``.npy`` file."""
    vectors = np.load(path, allow_pickle=False)
    if vectors.ndim != 2 or vectors.shape[0] != num_classes:
        raise ValueError(f'SSGRLHead: word_vec_file {path} holds an array of '
                         f'shape {vectors.shape}, expected ({num_classes}, D)')
    if not np.isfinite(vectors).all():
        raise ValueError(f'SSGRLHead: word_vec_file {path} has NaN/Inf')
    return vectors.astype(np.float32)


@MODELS.register_module()
class SSGRLHead(MultiLabelClsHead):
    """Semantic decoupling with class word vectors, gated GNN, per-class fc.

    From a (B, in_channels, H, W) map: optional
    ``AvgPool2d(pool_size)``; 1x1 conv (no bias) + BN to ``feat_channels``
    -> features f_p; per class c, attention ``alpha_c = softmax_p(w4^T (W3
    tanh(W1 f_p * W2 w_c) + b3) + b4)`` and ``v_c = sum_p alpha_c(p) f_p``;
    ``gnn_steps`` of a gated GNN over the class graph A; ``o_c = tanh(W_o
    [h_c; v_c] + b_o)``; logit ``<V_c, o_c> + b_c``.

    W3 and w4 are linear with no nonlinearity between them, so the score is
    computed as ``(W3^T w4)^T e`` (the constant ``w4^T b3 + b4`` cancels in
    the softmax): the same function and gradients without the
    (B, HW, C, 512) x 512 x 512 product.

    The graph comes from the observed training positives, set by
    ``SSGRLGraphHook`` (or :meth:`set_adjacency`) before training; training
    without it raises. It is stored as an int64 buffer of pair counts, so
    an EMA model copies it instead of averaging it with its initial value.

    Args:
        num_classes (int): C.
        in_channels (int): Channels of the backbone's last map.
        word_vec_file (str, optional): (C, D) ``.npy`` word vectors (loaded
            with ``allow_pickle=False``). None: fixed Gaussian vectors from
            seed 0 (no semantics; smoke tests and DigitMosaic).
        word_dim (int): D when ``word_vec_file`` is None. Defaults to 300.
        feat_channels (int): Reduced feature size. Defaults to 1024.
        attn_channels (int): Decoupling hidden size. Defaults to 512.
        out_channels (int): Size of o_c. Defaults to 1024.
        gnn_steps (int): GGNN steps. Defaults to 3.
        pool_size (int, optional): AvgPool2d kernel = stride before the
            reduction (2 for 448 inputs: 14x14 -> 7x7). None skips it.
        loss (dict): Loss config (``VPULoss`` for PU-MLC).
        thr (float): Score threshold of ``pred_label``. Defaults to 0.5.
        topk (int, optional): Predict the top-k classes instead.
        init_cfg (dict, optional): Init config.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 word_vec_file: Optional[str] = None,
                 word_dim: int = 300,
                 feat_channels: int = 1024,
                 attn_channels: int = 512,
                 out_channels: int = 1024,
                 gnn_steps: int = 3,
                 pool_size: Optional[int] = 2,
                 loss: Dict = dict(type='VPULoss'),
                 thr: Optional[float] = 0.5,
                 topk: Optional[int] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if isinstance(loss, dict):
            loss = MODELS.build(loss)  # mlc scope also outside a runner
        super().__init__(loss=loss, thr=thr, topk=topk, init_cfg=init_cfg)
        self.num_classes = num_classes
        self.gnn_steps = gnn_steps
        if word_vec_file is None:
            gen = torch.Generator().manual_seed(0)
            words = torch.randn(num_classes, word_dim, generator=gen)
        else:
            words = torch.from_numpy(
                load_word_vectors(word_vec_file, num_classes))
        self.register_buffer('word_vectors', words)
        self.register_buffer(
            'cooccurrence', torch.zeros(num_classes, num_classes,
                                        dtype=torch.long))
        self.register_buffer('graph_built', torch.zeros((), dtype=torch.bool))

        self.pool = nn.AvgPool2d(pool_size) if pool_size else nn.Identity()
        self.reduce = nn.Sequential(
            nn.Conv2d(in_channels, feat_channels, 1, bias=False),
            nn.BatchNorm2d(feat_channels))
        self.fc_img = nn.Linear(feat_channels, attn_channels, bias=False)
        self.fc_word = nn.Linear(words.shape[1], attn_channels, bias=False)
        self.fc_hidden = nn.Linear(attn_channels, attn_channels)
        self.fc_score = nn.Linear(attn_channels, 1)
        # gated GNN: W acts on the messages [A h; A^T h], U on the state h
        self.gnn_wz = nn.Linear(2 * feat_channels, feat_channels)
        self.gnn_uz = nn.Linear(feat_channels, feat_channels)
        self.gnn_wr = nn.Linear(2 * feat_channels, feat_channels)
        self.gnn_ur = nn.Linear(feat_channels, feat_channels)
        self.gnn_wh = nn.Linear(2 * feat_channels, feat_channels)
        self.gnn_uh = nn.Linear(feat_channels, feat_channels)
        self.fc_out = nn.Linear(2 * feat_channels, out_channels)
        bound = out_channels**-0.5
        self.cls_weight = nn.Parameter(
            torch.empty(num_classes, out_channels).uniform_(-bound, bound))
        self.cls_bias = nn.Parameter(
            torch.empty(num_classes).uniform_(-bound, bound))

    def set_adjacency(self, observed: np.ndarray) -> None:
        """Build the class graph from (N, C) observed training labels."""
        self.set_training_stats(ClassStats.from_labels(observed))

    def set_training_stats(self, stats: ClassStats) -> None:
        """Class-statistics protocol: the class graph from the co-occurrence
        of the observed training labels (``SSGRLGraphHook``)."""
        if stats.num_classes != self.num_classes:
            raise ValueError(f'SSGRLHead: labels have {stats.num_classes} '
                             f'classes, the head {self.num_classes}')
        self.cooccurrence.copy_(stats.cooccurrence)
        self.graph_built.fill_(True)
        MMLogger.get_current_instance().info(
            f'SSGRLHead: class graph from {stats.num_samples} training '
            f'samples; {int((stats.class_freq == 0).sum())} classes '
            'without an observed positive get identity rows')

    @property
    def adjacency(self) -> torch.Tensor:
        """(C, C) float32 graph A[i, j] = n_ij / n_i, diagonal 1."""
        return adjacency_from_counts(self.cooccurrence).float()

    def decouple(self, feat: torch.Tensor) -> torch.Tensor:
        """(B, P, F) position features -> (B, C, F) class features v_c."""
        hidden = torch.tanh(
            self.fc_img(feat)[:, :, None, :] *
            self.fc_word(self.word_vectors)[None, None])  # (B, P, C, A)
        direction = self.fc_hidden.weight.t() @ self.fc_score.weight[0]
        score = hidden @ direction  # (B, P, C)
        attn = score.softmax(dim=1)
        return torch.einsum('bpc,bpf->bcf', attn, feat)

    def propagate(self, h: torch.Tensor) -> torch.Tensor:
        """``gnn_steps`` gated-GNN steps over (B, C, F) node states."""
        adj = self.adjacency.to(h)
        for _ in range(self.gnn_steps):
            msg = torch.cat([adj @ h, adj.t() @ h], dim=-1)
            update = torch.sigmoid(self.gnn_wz(msg) + self.gnn_uz(h))
            reset = torch.sigmoid(self.gnn_wr(msg) + self.gnn_ur(h))
            cand = torch.tanh(self.gnn_wh(msg) + self.gnn_uh(reset * h))
            h = (1 - update) * h + update * cand
        return h

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """(B, C, out_channels) per-class outputs o_c."""
        if self.training and not bool(self.graph_built):
            raise RuntimeError(
                'SSGRLHead: the class graph was not built; add '
                "dict(type='SSGRLGraphHook') to custom_hooks (or call "
                'set_adjacency with the observed training labels)')
        x = self.reduce(self.pool(feats[-1]))
        feat = x.flatten(2).transpose(1, 2)  # (B, P, F)
        v = self.decouple(feat)
        h = self.propagate(v)
        return torch.tanh(self.fc_out(torch.cat([h, v], dim=-1)))

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """(B, C) logits."""
        out = self.pre_logits(feats)
        return (out * self.cls_weight).sum(-1) + self.cls_bias

    def _get_loss(self, cls_score: torch.Tensor,
                  data_samples: List[DataSample], **kwargs) -> dict:
        """Loss of (B, C) logits against the observed targets."""
        target = stack_targets(data_samples, self.num_classes)
        return {'loss': self.loss_module(cls_score, target, **kwargs)}
