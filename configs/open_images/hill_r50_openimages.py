# Hill loss (lambda 1.5, margin 1, gamma 2, global sum) on Open Images V6:
# unknown entries are the "missing" negatives Hill re-weights.
_base_ = ['./_base_/r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='global_sum')))
