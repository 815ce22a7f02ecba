# COMIC schedule of PLT-VOC: the PLT-COCO one with the head and tail step
# periods swapped.
_base_ = ['./comic_adam-40e.py']

param_scheduler = [
    dict(type='GroupStepLR', by_epoch=True, gamma=0.1,
         step_sizes=dict(b_fc=12, b_attn=18, b_cls=18, h_fc=12, h_cls=12,
                         t_fc=24, t_cls=24)),
]
