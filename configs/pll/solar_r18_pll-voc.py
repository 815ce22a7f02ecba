# SoLar on PLL-VOC: the CIFAR-100 SoLar settings with the borrowed schedule
# (stage 1: 20 epochs, stage 2: 200 epochs).
_base_ = ['./_base_/corr_pll-voc.py']
stage1_epochs = 20
stage2_epochs = 200
model = dict(head=dict(
    _delete_=True, type='SoLarHead', num_classes=20, in_channels=512, lam=3.,
    eta=0.9, tau=0.99, rho_range=(0.2, 0.5), warmup_epochs=50,
    queue_length=64 * 128))
train_cfg = dict(_delete_=True, type='TwoStageTrainLoop',
                 stage1_epochs=stage1_epochs,
                 max_epochs=stage1_epochs + stage2_epochs, val_interval=20,
                 # a cosine over the stage-2 length in each stage
                 stage_cosine=dict(eta_min=1e-5))
param_scheduler = None  # the loop's stage_cosine
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.05, 0.01),
         dataloader=dict(
             batch_size=512, num_workers=4, persistent_workers=True,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False))),
]
