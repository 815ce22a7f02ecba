# Ablation: PU-MLC on DigitMosaic-PL without the local-global convolution.
_base_ = ['./pu-mlc_r18_digitmosaic-pl40.py']

model = dict(lgc=None)
