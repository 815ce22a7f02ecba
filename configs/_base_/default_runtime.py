# Runtime shared by every mlc config.
default_scope = 'mlc'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook that survives a kill mid-save: temp file +
    # rename, old checkpoints deleted only after the new one is in place
    checkpoint=dict(type='SafeCheckpointHook', interval=1, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
    # resume exactly: the RNG states of every rank travel with the
    # checkpoints (per-sample state is part of the model's state dict)
    random_state=dict(type='RandomStateHook'),
    # the head's num_classes must match the data set's classes (one-line
    # error); train/eval input sizes that differ are logged as a warning
    data_model_check=dict(type='DataModelCheckHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
# TensorBoard as well: set `use_tensorboard = True` in a config or pass
# `--cfg-options use_tensorboard=True` (needs `pip install tensorboard`,
# requirements/optional.txt); event files go to <work_dir>/<timestamp>/vis_data
use_tensorboard = False
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_processor = dict(by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
