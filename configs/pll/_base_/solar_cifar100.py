# SoLar (with mixup, as published) on CIFAR-100 with the official
# hyper-parameters: two stages (prior pre-estimation, then a new model).
# The leaves add the dataset base (LT or LT-NU) and set the build (rho, q).
_base_ = [
    '../../_base_/models/resnet18-cifar100_pll.py',
    '../../_base_/schedules/cifar_pll_sgd_800e.py',
    '../../_base_/pll_runtime.py',
]
stage1_epochs = 20
stage2_epochs = 800
model = dict(head=dict(
    _delete_=True, type='SoLarHead', num_classes=100, in_channels=512,
    lam=3., eta=0.9, tau=0.99, rho_range=(0.2, 0.5), warmup_epochs=50,
    queue_length=64 * 256))
train_cfg = dict(_delete_=True, type='TwoStageTrainLoop',
                 stage1_epochs=stage1_epochs,
                 max_epochs=stage1_epochs + stage2_epochs, val_interval=50,
                 # the official schedule: a cosine over the stage-2 length
                 # in each stage, restarted with stage 2
                 stage_cosine=dict(eta_min=1e-5))
param_scheduler = None  # the loop's stage_cosine
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.05, 0.01),
         dataloader=dict(
             batch_size=1024, num_workers=4, persistent_workers=True,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False))),
]
