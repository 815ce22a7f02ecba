# CORR + RECORDS on PLL-VOC (the borrowed HTC-LTPLL schedule).
_base_ = ['./_base_/corr_pll-voc.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
