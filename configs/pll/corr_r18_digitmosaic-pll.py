# CORR (as run in the RECORDS code) on DigitMosaic-PLL: weak + strong views,
# L = L_sup + L_con, confidences c <- normalise(sqrt(p_w * p_s)) on entries
# with c > 0, from epoch 1.
_base_ = ['./_base_/corr_digitmosaic-pll.py']
