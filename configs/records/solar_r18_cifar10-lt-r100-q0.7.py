# SoLar (mixup) on CIFAR10-LT, rho 100, q 0.7 (RECORDS README: 53.15).
_base_ = ['./solar_r18_cifar10-lt-r100-q0.3.py']
build = dict(cifar='cifar10', imb_ratio=100, partial_rate=0.7,
             data_seed=0)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.1, 0.01),
         dataloader=dict(
             batch_size=1024, num_workers=4, persistent_workers=True,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False),
             dataset=dict(type='CIFARLTPLL', data_root='data/cifar10',
                          cifar='cifar10', split='train', imb_ratio=100,
                          partial_rate=0.7, data_seed=0,
                          pipeline=[dict(type='PackInputs')]))),
]
