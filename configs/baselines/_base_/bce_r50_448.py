# The Hill/SPLC recipe (ResNet-50 448, Adam 1e-4, OneCycle over 80 epochs
# stopped at 31, EMA 0.9997, AMP) with its BCE baseline (global sum).
_base_ = ['../../_base_/recipes/r50_448.py']
