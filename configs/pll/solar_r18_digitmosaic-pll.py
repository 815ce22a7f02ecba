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
                 max_epochs=stage1_epochs + stage2_epochs, val_interval=2,
                 # a cosine over the stage-2 length in each stage
                 stage_cosine=dict(eta_min=1e-5))
param_scheduler = None  # the loop's stage_cosine
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.5, 0.01),
         dataloader=dict(
             batch_size=256, num_workers=0, persistent_workers=False,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False))),
]
