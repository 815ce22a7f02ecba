# COMIC, the paper's recipe on the released PLT sets: frozen ResNet-50 model,
# default runtime, checkpoint every 5 epochs; the leaves add data + schedule.
_base_ = ['../../_base_/models/comic_r50.py',
          '../../_base_/default_runtime.py']

custom_hooks = [dict(type='ComicCorrectionHook')]
default_hooks = dict(checkpoint=dict(type='SafeCheckpointHook', interval=5,
                                     max_keep_ckpts=2))
