# Runtime of DigitMosaic CPU runs: the default runtime, plus the best-on-val
# checkpoint (DigitMosaic has a val split distinct from test).
_base_ = ['./default_runtime.py']

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='SafeCheckpointHook', interval=1, max_keep_ckpts=1,
                    save_best='multi-label/mAP', rule='greater'))
