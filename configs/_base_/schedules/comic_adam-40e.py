# COMIC schedule (PLT-COCO periods): one Adam (coupled L2 1e-4), a named
# parameter group per official optimiser (lr 1e-3 fc layers and attention,
# 1e-4 classifiers), per-group StepLR x0.1, 40 epochs, no validation.
_adam = dict(type='Adam', lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-4)
optim_wrapper = dict(
    constructor='ComicOptimWrapperConstructor',
    optimizer=_adam,
    paramwise_cfg=dict(groups=dict(
        b_fc=dict(prefix='necks.b', lr=1e-3),
        h_fc=dict(prefix='necks.h', lr=1e-3),
        t_fc=dict(prefix='necks.t', lr=1e-3),
        b_attn=dict(prefix='head.attention', lr=1e-3),
        b_cls=dict(prefix='head.cls.b', lr=1e-4),
        h_cls=dict(prefix='head.cls.h', lr=1e-4),
        t_cls=dict(prefix='head.cls.t', lr=1e-4))))
param_scheduler = [
    dict(type='GroupStepLR', by_epoch=True, gamma=0.1,
         step_sizes=dict(b_fc=12, b_attn=18, b_cls=18, h_fc=24, h_cls=24,
                         t_fc=12, t_cls=12)),
]
train_cfg = dict(by_epoch=True, max_epochs=40)
val_cfg = None
test_cfg = dict()
