"""benchmarks/timing.py: the ratio tables the loss benchmarks print."""
from _helpers import load_script

timing = load_script('benchmarks/timing.py')


def test_loss_tables_one_table_per_scale_against_bce(monkeypatch, capsys):
    monkeypatch.setattr(timing, 'SCALES', {'tiny (B 2, C 3)': (2, 3),
                                           'wide (B 2, C 5)': (2, 5)})
    calls = []

    def loss_fns(batch, classes):
        calls.append((batch, classes))
        return {'MaskedBCELoss': lambda: None, 'Other': lambda: None}

    # BCE takes 2 ms, the other loss 3 ms: ratio 1.50x
    times = iter([2e-3, 3e-3] * 4)
    monkeypatch.setattr(timing, 'interleaved',
                        lambda fns, reps: {k: next(times) for k in fns})
    timing.loss_tables(loss_fns, 7, 'fwd+bwd, {scale}, {reps} reps')
    assert calls == [(2, 3), (2, 5)]
    assert capsys.readouterr().out.splitlines() == [
        '', 'fwd+bwd, tiny (B 2, C 3), 7 reps',
        '| loss | time (ms) | ratio vs BCE |', '|---|---|---|',
        '| MaskedBCELoss | 2.000 | 1.00x |', '| Other | 3.000 | 1.50x |',
        '', 'fwd+bwd, wide (B 2, C 5), 7 reps',
        '| loss | time (ms) | ratio vs BCE |', '|---|---|---|',
        '| MaskedBCELoss | 2.000 | 1.00x |', '| Other | 3.000 | 1.50x |']
