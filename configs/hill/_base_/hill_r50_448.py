# The Hill/SPLC recipe (ResNet-50 448, Adam 1e-4, OneCycle over 80 epochs
# stopped at 31, EMA 0.9997, AMP) with the Hill loss (global sum).
_base_ = ['../../_base_/recipes/r50_448.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='global_sum')))
