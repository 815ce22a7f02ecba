"""What the matrix runs: blocks of (row = method) x (column = imperfection).

A cell is one method on one DigitMosaic build. Every row names one base
config (its recipe is the same in every column; the column only changes the
dataset ``variant``), so a row's cells differ by their data alone. The
geometry is one setting per block (:data:`GEOMETRY`): the multi-label block
runs on the ``hard`` geometry (the matrix default), the shifted block on
``shifted``; the PLL block pastes single digits, which take no mosaic
geometry. A cell the method cannot run in carries the
reason instead of a config (:attr:`.cell.Cell.skip`); the structures
(rows, columns, blocks, cells) live in :mod:`.cell`.

Frozen-trunk rows (:attr:`.cell.Row.frozen`) follow their paper's regime: the
trunk is initialised from a BCE pre-training on clean labels of the
DigitMosaic ``pretrain`` build (:data:`PRETRAIN`), then (partly) frozen.
"""
from typing import Dict, Optional, Tuple

from .cell import Block, Column, Frozen, Row

#: the pre-training of the frozen trunks (one per geometry, run seed 0):
#: BCE on the clean, balanced ``pretrain`` build of the evaluated data seed
#: 0: other mosaics, drawn only from the train-pool source digits of data
#: seed 0, so the trunk never sees a source digit of the evaluated val/test
#: images (the report checks this from the builds' source pools)
PRETRAIN = dict(config='configs/comic/bce_r18_digitmosaic-pretrain.py',
                variant='pretrain', data_root='data/digitmosaic',
                data_seed=0, seed=0)

#: convergence: validate every epoch from ``min_epochs - patience`` on, stop
#: after ``patience`` validations without a ``min_delta`` gain, never before
#: ``min_epochs``, at most ``max_epochs`` (the cosine ends there; runs still
#: improving at the cap are flagged). Clean BCE on ``hard`` still climbs at
#: epoch 6 (val mAP 41.3 / 54.3 / 66.7 / 74.1 / 87.8 / 91.5), hence the
#: minimum of 6 and a patience of 3; the cap of 8 costs ~1.5 h of 2 idle cores
#: per multi-label seed in bfloat16 (the page's Cost table).
CONVERGENCE = dict(max_epochs=8, min_epochs=6, patience=3, min_delta=0.1)
#: every cell and trunk trains under bfloat16 autocast (validation and test
#: in float32): 1.7x float32's steps/s here; parity: ``make matrix-fp32``
#: (docs/benchmarks.md, "bfloat16 training")
OPTIM_WRAPPER = 'AutocastOptimWrapper'
#: a longer cap (schedule check) moves the earliest stop to this share of
#: it, so early stopping acts only in the cosine's last quarter. Without it,
#: under a 30-epoch cap CORR (PLL q 0.3) stopped at 11 while RECORDS ran 30:
#: a run cut at a high learning rate against a finished one.
MIN_SHARE = 0.75


# --------------------------------------------------------------- frozen trunks
COMIC_FROZEN = Frozen('model.trunk.init_cfg',
                      {'model.trunk_frozen': True,
                       'model.trunk_norm_eval': True},
                      'whole trunk frozen (BN eval)')
STITCHUP_FROZEN = Frozen(
    'model.backbone.init_cfg',
    {'model.backbone.frozen_stages': 3},
    'stem..layer3 frozen; layer4 copies, necks, heads train')
#: BCE on the same pre-trained trunks: the references of the frozen rows
#: (an ImageClassifier freezes stages through its backbone's
#: ``frozen_stages``, whose BN layers then stay in eval mode)
BCE_TRUNK_FROZEN = Frozen(
    'model.backbone.init_cfg',
    {'model.backbone.frozen_stages': 4, 'model.backbone.norm_eval': True},
    'whole trunk frozen (BN eval)')
BCE_STAGE3_FROZEN = Frozen(
    'model.backbone.init_cfg', {'model.backbone.frozen_stages': 3},
    'stem..layer3 frozen; layer4 and head train')
#: the Hill / SPLC / ASL papers fine-tune an ImageNet ResNet-50: every
#: layer trains from the pre-trained trunk
FINE_TUNED = Frozen('model.backbone.init_cfg', {},
                    'nothing frozen: every layer fine-tunes')
PU_MLC_FROZEN = Frozen(
    'model.backbone.init_cfg',
    {'model.frozen_stages': 3, 'model.norm_eval_all': True},
    'stem..layer3 frozen except the LGC branches (BN eval)')

# ----------------------------------------------------------- multi-label block
ML_COLUMNS = (
    Column('clean', 'full'),
    Column('missing', 'pl'),
    Column('single', 'single'),
    Column('long-tail', 'lt', long_tail=True),
    Column('plt', 'plt', long_tail=True),
    Column('noise', 'noise'),
    Column('lt-noise', 'lt-noise', long_tail=True),
    # the PU-MLC claim in its paper's protocol: 40 % of all entries kept,
    # positives and negatives alike (the rest unknown)
    Column('pu', 'pu', rows=(
        'PU-MLC', 'Hill, fine-tuned', 'SPLC, fine-tuned',
        'BCE, stem..layer3 frozen', 'Hill, stem..layer3 frozen',
        'SPLC, stem..layer3 frozen'),
        why='diagnosis column of the PU-MLC claim (its rows only)'),
    # the Stitch-Up claim under another noise model: spurious positives
    # drawn by class frequency, so fewer of the tail's positives are false
    Column('lt-noise-prior', 'lt-noise-prior', long_tail=True,
           rows=('BCE, stem..layer3 frozen', 'Stitch-Up + co-learning',
                 'co-learning w/o Stitch-Up', 'Stitch-Up w/o co-learning'),
           why='diagnosis column of the Stitch-Up claim (its rows only)'),
)
_BALANCED = ('clean', 'missing', 'single', 'noise', 'pu')
_NO_UNKNOWN = ('long-tail', 'lt-noise', 'lt-noise-prior')
#: prior adjustment: a no-op under a uniform training prior, and the SPLC /
#: COMIC correctors only act on unlisted entries
PRIOR_ADJUST_SKIP = {
    **{c: 'balanced training prior: the prior adjustment is a no-op'
       for c in _BALANCED},
    **{c: 'no unlisted labels: nothing for the adjusted corrector to '
          'correct' for c in _NO_UNKNOWN},
}
_PRIOR_ADJUST = dict(tau_d=0.5, momentum=0.9)

_SPLC_KEYS = r'^splc_pseudo_(precision|recall)$'
_COMIC_KEYS = r'^rlc_(precision|recall)_[htb]_total$'
# co-learning's two rules: head labels added, tail labels removed
_COLEARNING_KEYS = (r'^correction/\w+_(many_add|few_remove)_'
                    r'(precision|recall)$')
_PLL_KEYS = r'^conf_acc(_few)?$'
#: SoLar's error of its estimated class prior (KL from the true one)
PRIOR_KL_KEY = r'^prior_kl_true$'
_BCE = 'configs/baselines/bce_r18_digitmosaic-pl40.py'
#: Stitch-Up's single-branch configs (``_db.py``: DB-focal alone)
_SINGLE = 'configs/stitchup/stitchup_r18_digitmosaic-lt-noise50_'
_DB, _DB_LOSS = _SINGLE + 'db.py', 'model.branches.balanced.head.loss.'
#: reference rows of the frozen regimes
BCE_FROZEN = 'BCE, frozen trunk'
BCE_STAGE3 = 'BCE, stem..layer3 frozen'
#: the fine-tuning regime of the missing-label papers: its reference row,
#: and its columns (clean and the missing-label ones: the compute budget)
BCE_FINE_TUNED = 'BCE, fine-tuned'
FINE_TUNED_SKIP = {
    c: 'the pre-trained-trunk rows of the missing-label claims run in '
       'clean, missing and single only (compute budget)'
    for c in ('long-tail', 'plt', 'noise', 'lt-noise', 'lt-noise-prior')}
_HILL = 'configs/hill/hill_r18_digitmosaic-pl40.py'
_SPLC = 'configs/splc/splc_r18_digitmosaic-pl40.py'
ML_ROWS = (
    Row('BCE', _BCE),
    Row(BCE_FROZEN, _BCE, frozen=BCE_TRUNK_FROZEN),
    Row(BCE_STAGE3, _BCE, frozen=BCE_STAGE3_FROZEN),
    Row('Focal', 'configs/baselines/focal_r18_digitmosaic-pl40.py'),
    Row('ASL', 'configs/baselines/asl_r18_digitmosaic-pl40.py'),
    Row('WAN', 'configs/baselines/wan_r18_digitmosaic-pl40.py'),
    Row('Hill', _HILL),
    Row('SPLC', _SPLC, correction_keys=_SPLC_KEYS),
    Row('SPLC + prior adj.', _SPLC,
        options={'model.head.loss.prior_adjust': _PRIOR_ADJUST},
        skip=PRIOR_ADJUST_SKIP, correction_keys=_SPLC_KEYS),
    Row(BCE_FINE_TUNED, _BCE, frozen=FINE_TUNED, skip=FINE_TUNED_SKIP),
    Row('Hill, fine-tuned', _HILL, frozen=FINE_TUNED, skip=FINE_TUNED_SKIP,
        baseline=BCE_FINE_TUNED),
    Row('SPLC, fine-tuned', _SPLC, frozen=FINE_TUNED, skip=FINE_TUNED_SKIP,
        correction_keys=_SPLC_KEYS, baseline=BCE_FINE_TUNED),
    # Hill and SPLC on PU-MLC's partly frozen trunk: its claim in one regime
    Row('Hill, stem..layer3 frozen', _HILL, frozen=BCE_STAGE3_FROZEN,
        skip=FINE_TUNED_SKIP, baseline=BCE_STAGE3),
    Row('SPLC, stem..layer3 frozen', _SPLC, frozen=BCE_STAGE3_FROZEN,
        skip=FINE_TUNED_SKIP, correction_keys=_SPLC_KEYS,
        baseline=BCE_STAGE3),
    Row('PU-MLC', 'configs/pu_mlc/pu-mlc_r18_digitmosaic-pl40.py',
        frozen=PU_MLC_FROZEN, baseline=BCE_STAGE3),
    Row('COMIC', 'configs/comic/comic_r18-frozen_digitmosaic-plt.py',
        frozen=COMIC_FROZEN, correction_keys=_COMIC_KEYS,
        baseline=BCE_FROZEN),
    Row('COMIC + prior adj.',
        'configs/comic/comic_r18-frozen_digitmosaic-plt.py',
        options={'model.head.rlc_loss.prior_adjust': _PRIOR_ADJUST},
        frozen=COMIC_FROZEN, skip=PRIOR_ADJUST_SKIP,
        correction_keys=_COMIC_KEYS, baseline=BCE_FROZEN),
    Row('DB-focal', _DB),
    # the DB paper fine-tunes a pre-trained trunk: DB-focal on one
    Row('DB-focal, stem..layer3 frozen', _DB, frozen=STITCHUP_FROZEN,
        baseline=BCE_STAGE3),
    Row('Stitch-Up + co-learning',
        'configs/stitchup/stitchup_r18_digitmosaic-lt-noise50.py',
        frozen=STITCHUP_FROZEN, correction_keys=_COLEARNING_KEYS,
        baseline=BCE_STAGE3),
)


def _ablation(name: str, config: str, of: str, columns: Tuple[str, ...],
              frozen: Optional[Frozen],
              options: Optional[Dict[str, object]] = None) -> Row:
    """A claim's ablation: runs in ``columns`` only."""
    return Row(name, config, frozen=frozen, ablation_of=of,
               options=dict(options or {}),
               skip={c.name: f'ablation: {", ".join(columns)} only'
                     for c in ML_COLUMNS if c.name not in columns})


_COMIC = 'configs/comic/comic_r18-frozen_digitmosaic-plt_no-'
_STITCH = 'configs/stitchup/stitchup_r18_digitmosaic-lt-noise50_no-'
_NOISY_LT = ('lt-noise', 'lt-noise-prior')
#: the ablations the paper claims compare against (same regime)
ML_ABLATIONS = (
    _ablation('COMIC w/o correction', _COMIC + 'correction.py', 'COMIC',
              ('plt', ), COMIC_FROZEN),
    _ablation('COMIC w/o modification', _COMIC + 'modification.py', 'COMIC',
              ('plt', ), COMIC_FROZEN),
    _ablation('COMIC w/o balance', _COMIC + 'balance.py', 'COMIC',
              ('plt', ), COMIC_FROZEN),
    _ablation('co-learning w/o Stitch-Up', _STITCH + 'stitchup.py',
              'Stitch-Up + co-learning', _NOISY_LT, STITCHUP_FROZEN),
    _ablation('Stitch-Up w/o co-learning', _STITCH + 'colearning.py',
              'Stitch-Up + co-learning', _NOISY_LT, STITCHUP_FROZEN),
    # each branch alone (no Stitch-Up, no co-learning) on the same trunk
    # (long-tail: the DB paper's own claim, clean labels, same trunk)
    _ablation('BCE branch alone', _SINGLE + 'bce.py',
              'Stitch-Up + co-learning', ('lt-noise', 'long-tail'),
              STITCHUP_FROZEN),
    _ablation('DB-focal branch alone', _DB,
              'Stitch-Up + co-learning', ('lt-noise', 'long-tail'),
              STITCHUP_FROZEN),
    # the DB-focal loss from scratch without its focal term and / or its
    # negative-tolerant logit regularisation (why it learns slowly here)
    *(_ablation(name, _DB, 'DB-focal', ('clean', ), None,
                {_DB_LOSS + part: None for part in parts})
      for name, parts in (('DB-focal w/o focal', ('focal', )),
                          ('DB-focal w/o logit reg.', ('logit_reg', )),
                          ('DB-focal, re-weighting only',
                           ('focal', 'logit_reg')))),
)

# ---------------------------------------------------------------- PLL block
#: (label, imbalance ratio, candidate rate q) of the PLL columns
PLL_SETTINGS = (('lt-q0.3', 100, 0.3), ('lt-q0.5', 100, 0.5),
                ('balanced-q0.3', 1, 0.3), ('balanced-q0.5', 1, 0.5))


def pll_variant(rho: float, q: float) -> Tuple[str, str]:
    """(variant, '') of the DigitMosaic PLL build with imbalance ``rho`` and
    candidate rate ``q``, or ('', why not) when there is none."""
    from mlc.datasets.digitmosaic import VARIANTS
    for name, spec in VARIANTS.items():
        qs = [kw.get('q') for op, kw in spec.ops
              if op == 'candidates_uniform']
        if spec.kind == 'single' and spec.rho == rho and qs == [q]:
            return name, ''
    return '', f'no DigitMosaic PLL build with rho {rho:g} and q {q:g}'


def pll_columns() -> Tuple[Column, ...]:
    """The PLL columns; those without a build say so."""
    columns = []
    for name, rho, q in PLL_SETTINGS:
        variant, why = pll_variant(rho, q)
        columns.append(Column(name, variant or 'pll', long_tail=rho > 1,
                              skip=why))
    return tuple(columns)


#: PRODEN is single-view: CORR's weak view only
_PRODEN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=[1],
         transforms=[[dict(type='RandomCrop', crop_size=32, padding=4)]]),
    dict(type='PackInputs', algorithm_keys=('candidates', )),
]
PLL_ROWS = (
    Row('CORR', 'configs/pll/corr_r18_digitmosaic-pll.py',
        correction_keys=_PLL_KEYS),
    Row('PRODEN', 'configs/pll/corr_r18_digitmosaic-pll.py',
        options={'model.head.loss': dict(type='PRODENLoss'),
                 'train_dataloader.dataset.pipeline': _PRODEN_PIPELINE},
        correction_keys=_PLL_KEYS),
    Row('RECORDS', 'configs/pll/records-corr_r18_digitmosaic-pll.py',
        correction_keys=_PLL_KEYS),
    Row('SoLar', 'configs/pll/solar_r18_digitmosaic-pll.py',
        correction_keys=_PLL_KEYS),
)

# ------------------------------------------------------------ shifted block
SHIFTED_COLUMNS = (Column('clean', 'full'), Column('missing', 'pl'),
                   Column('plt', 'plt', long_tail=True))
SHIFTED_ROWS = (
    *(row for row in ML_ROWS
      if row.name in ('BCE', BCE_FROZEN, BCE_STAGE3, 'Hill', 'SPLC',
                      BCE_FINE_TUNED, 'Hill, fine-tuned', 'SPLC, fine-tuned',
                      'PU-MLC', 'COMIC')),
    Row('plain CNN', runner='plain_cnn'),
)

#: geometry of each block: the one place it is set
GEOMETRY = dict(multilabel='hard', pll=None, shifted='shifted')


def blocks() -> Dict[str, Block]:
    """Every block of the matrix, by name."""
    return dict(
        multilabel=Block('multilabel', GEOMETRY['multilabel'], 'mAP',
                         ML_ROWS + ML_ABLATIONS, ML_COLUMNS, baseline='BCE'),
        pll=Block('pll', GEOMETRY['pll'], 'top1', PLL_ROWS, pll_columns(),
                  baseline='CORR'),
        shifted=Block('shifted', GEOMETRY['shifted'], 'mAP', SHIFTED_ROWS,
                      SHIFTED_COLUMNS, baseline='BCE'),
    )
