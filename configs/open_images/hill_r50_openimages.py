# Hill loss (lambda 1.5, margin 1, gamma 2, global sum) on Open Images V6:
# unknown entries are the "missing" negatives Hill re-weights; known
# negatives (Confidence 0) are plain negatives. Recipe of
# asl_r50_openimages.py (the baseline), whose data and schedule this inherits.
#   bash tools/dist_train.sh configs/open_images/hill_r50_openimages.py 8
_base_ = ['./asl_r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='global_sum')))
