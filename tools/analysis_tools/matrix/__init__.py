"""The DigitMosaic evidence matrix behind ``make matrix``.

Modules: :mod:`.definition` (blocks, rows, columns, cells and the cells a
method cannot run in), :mod:`.cell_config` (a cell's config: variant,
geometry, convergence, pre-trained frozen trunk), :mod:`.runner` (train /
test one cell and seed, resumable), :mod:`.tables` (markdown tables),
:mod:`.claims` (the seed papers' claims and their verdicts) and
:mod:`.figures` (PNGs). ``tools/analysis_tools/run_matrix.py`` is the CLI.
"""
