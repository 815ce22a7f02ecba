"""The DigitMosaic evidence matrix behind ``make matrix``.

Modules: :mod:`.cell` (the structures: rows, columns, blocks, cells),
:mod:`.definition` (what runs: the blocks' rows and columns and the cells a
method cannot run in), :mod:`.cell_config` (a cell's config: variant,
geometry, convergence, pre-trained frozen trunk), :mod:`.runner` (train /
test one cell and seed, resumable), :mod:`.trunk` (the frozen trunks a
run starts from and records), :mod:`.records` (finished runs kept with
the repository), :mod:`.driver` (the sweep and the page),
:mod:`.stats` (a cell's metric over seeds), :mod:`.tables` (markdown
tables), :mod:`.claims` (the seed papers' claims and their verdicts),
:mod:`.measurements` and :mod:`.diagnoses` (the evidence behind a verdict)
and :mod:`.figures` (PNGs). ``tools/analysis_tools/run_matrix.py`` is the
CLI.
"""
