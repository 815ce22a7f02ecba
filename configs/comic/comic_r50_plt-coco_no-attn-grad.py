# COMIC on PLT-COCO with the attention's gradient stopped at the head/tail
# features (keys/values detached); the attention itself still trains. Not a
# paper ablation: the official code lets the gradient reach f_h and f_t.
_base_ = ['./comic_r50_plt-coco.py']

model = dict(head=dict(attn_grad_to_branches=False))
