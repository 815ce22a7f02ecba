"""check_choice: one message format for every named-value setting."""
import pytest

from mlc.models import MaskedBCELoss
from mlc.utils.choices import check_choice


def test_accepted_value_passes():
    check_choice('Owner', 'mode', 'a', ('a', 'b'))


def test_message_names_owner_key_choices_and_value():
    with pytest.raises(ValueError) as err:
        check_choice('Owner', 'mode', 'c', ('a', 'b'))
    assert str(err.value) == "Owner: mode must be one of ('a', 'b'), got 'c'"


def test_loss_settings_use_it():
    with pytest.raises(ValueError, match=r"^MaskedBCELoss: reduction must be "
                       r"one of \('none', 'sum', 'global_sum', 'mean', "
                       r"'batchmean'\), got 'avg'$"):
        MaskedBCELoss(reduction='avg')
