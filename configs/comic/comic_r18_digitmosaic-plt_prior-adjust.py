# COMIC on DigitMosaic-PLT with the RLC threshold tested on prior-adjusted
# logits (tau_d 0.5, EMA 0.9; project extension, configs/pll/README.md).
_base_ = ['./_base_/comic_r18_digitmosaic.py']

model = dict(head=dict(rlc_loss=dict(prior_adjust=dict(tau_d=0.5,
                                                       momentum=0.9))))
