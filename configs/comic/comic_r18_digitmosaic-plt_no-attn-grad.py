# Ablation on DigitMosaic-PLT: the attention still fuses f_h and f_t, but its
# gradient stops at them (keys/values detached; the official code lets it in).
_base_ = ['./_base_/comic_r18_digitmosaic.py']

model = dict(head=dict(attn_grad_to_branches=False))
