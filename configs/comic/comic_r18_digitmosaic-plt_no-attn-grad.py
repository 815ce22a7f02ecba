# Ablation on DigitMosaic-PLT: the additive attention still fuses f_h and f_t
# into the balanced feature, but its gradient stops at them (keys/values
# detached), so the balanced losses train only the balanced branch, the
# attention and (through f_b) the shared trunk. Default and official code:
# the gradient reaches the head/tail features.
_base_ = ['./comic_r18_digitmosaic-plt.py']

model = dict(head=dict(attn_grad_to_branches=False))
