# The Hill/SPLC recipe with WAN (log(p + 1e-5), mean over the B x C entries;
# DDP's gradient averaging makes it the mean over the global batch).
_base_ = ['../../_base_/recipes/r50_448.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', eps=1e-5, reduction='mean')))
