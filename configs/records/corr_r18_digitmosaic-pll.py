# CORR (as run in the RECORDS code) on DigitMosaic-PLL: weak + strong views,
# L = L_sup + L_con, confidences c <- normalise(sqrt(p_w * p_s)) on entries
# with c > 0, from epoch 1.
_base_ = [
    '../_base_/models/r18-cifar_pll.py',
    '../_base_/datasets/digitmosaic_pll.py',
    '../_base_/schedules/digitmosaic_pll_sgd.py',
    '../_base_/digitmosaic_runtime.py',
]
default_hooks = dict(
    checkpoint=dict(save_best='pll/top1', rule='greater'))
