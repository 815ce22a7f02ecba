# Project extension (configs/records/README.md, not published): SPLC
# on DigitMosaic-PLT with RECORDS-style prior-adjusted correction thresholds,
# sigma(z' - tau_d (logit pi_hat_k - logit mean(pi_hat))) > tau, pi_hat an
# EMA (0.9) of the batch mean of sigma(z). Compare with
# configs/splc/splc_r18_digitmosaic-plt.py.
_base_ = ['../splc/splc_r18_digitmosaic-plt.py']
model = dict(head=dict(loss=dict(prior_adjust=dict(tau_d=0.5,
                                                   momentum=0.9))))
