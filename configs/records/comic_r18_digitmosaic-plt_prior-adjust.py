# Project extension (configs/records/README.md, not published): COMIC
# on DigitMosaic-PLT with the RLC corrector's absolute threshold tested on
# prior-adjusted logits (tau_d 0.5, EMA 0.9). Compare with
# configs/comic/comic_r18_digitmosaic-plt.py.
_base_ = ['../comic/comic_r18_digitmosaic-plt.py']
model = dict(head=dict(rlc_loss=dict(prior_adjust=dict(tau_d=0.5,
                                                       momentum=0.9))))
