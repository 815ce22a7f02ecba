# Runtime of the real-benchmark missing-label configs: default runtime, no
# best checkpoint (the val loader monitors the test set), EMA of the weights
# (decay 0.9997) with StateAwareEMA.
_base_ = ['./default_runtime.py']

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='SafeCheckpointHook', interval=1, max_keep_ckpts=2,
                    save_best=None))
# mmengine momentum = 1 - decay = 3e-4 every step; StateAwareEMA copies the
# `state` buffers and averages the others. Val/test evaluate the EMA weights
# (the reported ones); `tools/test.py CONFIG CKPT --cfg-options
# custom_hooks=[]` evaluates the regular weights of the same checkpoint.
custom_hooks = [
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=3e-4,
         update_buffers=True, priority=49),
]
