# SPLC on DigitMosaic-PLT with prior-adjusted correction thresholds (project
# extension, configs/pll/README.md): sigma(z' - tau_d (logit pi_hat_k -
# logit mean(pi_hat))) > tau, EMA 0.9.
_base_ = ['./_base_/splc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']

model = dict(head=dict(loss=dict(prior_adjust=dict(tau_d=0.5, momentum=0.9))))
