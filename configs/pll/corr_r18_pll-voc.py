# CORR on PLL-VOC (no official hyper-parameters: HTC-LTPLL's 200 epochs,
# batch 128, lr 0.01, wd 1e-3, 128 px, 6/7/7 split, borrowed).
_base_ = ['./_base_/corr_pll-voc.py']
