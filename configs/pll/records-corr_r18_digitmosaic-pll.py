# CORR + RECORDS on DigitMosaic-PLL: the confidence update and the test
# prediction are debiased by pi_hat = softmax(W phi_bar + b), phi_bar the
# momentum (0.9) mean of the pooled features.
_base_ = ['./_base_/corr_digitmosaic-pll.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
