# CORR + RECORDS on PLL-VOC (borrowed HTC-LTPLL schedule, see the CORR config).
_base_ = ['./corr_r18_pll-voc.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
