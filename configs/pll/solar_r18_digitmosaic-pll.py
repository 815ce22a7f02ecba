# SoLar on DigitMosaic-PLL: the CIFAR-10 hyper-parameters with the epochs
# scaled down (stage 1: 1 epoch with gamma_1 0.5, stage 2: 3 epochs, warm-up
# 1 epoch; queue 8 batches).
_base_ = ['./_base_/corr_digitmosaic-pll.py']
stage1_epochs = 1
stage2_epochs = 3
model = dict(head=dict(
    _delete_=True, type='SoLarHead', num_classes=10, in_channels=128, lam=3.,
    eta=0.9, tau=0.99, rho_range=(0.2, 0.6), warmup_epochs=1,
    queue_length=8 * 64))
train_cfg = dict(_delete_=True, type='TwoStageTrainLoop',
                 stage1_epochs=stage1_epochs,
                 max_epochs=stage1_epochs + stage2_epochs, val_interval=2)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=stage2_epochs,
         eta_min=1e-5, begin=0, end=stage1_epochs),
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=stage2_epochs,
         eta_min=1e-5, begin=stage1_epochs,
         end=stage1_epochs + stage2_epochs),
]
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.5, 0.01),
         dataloader=dict(
             batch_size=256, num_workers=0, persistent_workers=False,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False))),
]
