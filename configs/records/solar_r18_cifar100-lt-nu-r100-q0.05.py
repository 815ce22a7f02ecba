# solar on CIFAR-100-LT-NU (siblings in the superclass join with
# 8q), rho 100, q 0.05; class permutation seed 123 as the official run seed
# (exact emulation of its shuffle is [unverified]); no published number.
_base_ = ['./solar_r18_cifar100-lt-r100-q0.05.py']
build = dict(cifar='cifar100', imb_ratio=100, partial_rate=0.05,
             data_seed=0, hierarchical=True, class_perm_seed=123)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
custom_hooks = [
    dict(type='ConfidenceUpdateHook'),
    dict(type='SoLarPriorHook', gamma=(0.05, 0.01),
         dataloader=dict(
             batch_size=1024, num_workers=4, persistent_workers=True,
             sampler=dict(type='DefaultSampler', shuffle=False,
                          round_up=False),
             dataset=dict(type='CIFARLTPLL', data_root='data/cifar100',
                          cifar='cifar100', split='train', imb_ratio=100,
                          partial_rate=0.05, data_seed=0, hierarchical=True, class_perm_seed=123,
                          pipeline=[dict(type='PackInputs')]))),
]
