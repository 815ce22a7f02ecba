# Quick start: `make demo` trains the embedded DigitMosaic default on the CPU;
# `make test` runs the test suite and `make lint` the linter (ruff.toml).
# Each creates .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.mlc-installed

.PHONY: demo test test-slow test-all lint install clean-venv \
	results-missing-labels matrix matrix-schedule matrix-fp32

install: $(STAMP)

# yapf (imported by mmengine's config) writes its grammar cache under
# ~/.cache/YAPF on its first import; two processes importing it at once on a
# fresh machine can read a half-written cache (EOFError). One import before
# any parallel start writes it (run_matrix.py's parent imports mmengine
# before it starts its trainings, tools/dist_launch.sh before the ranks).
WARM_IMPORTS := $(PY) -c "import mmengine"

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --no-deps --no-build-isolation -e .
	$(WARM_IMPORTS)
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/demo.py

# Two pytest workers (one per core), one torch thread each; a test file stays
# on one worker (--dist loadfile: its module fixtures are built once).
# `make test` skips the long end-to-end checks marked `slow` (multi-process
# launches, long runs); `make test-slow` runs only those, `make test-all`
# both (CI runs both).
PYTEST := OMP_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadfile tests -q
test: $(STAMP)
	$(WARM_IMPORTS)
	$(PYTEST) -m "not slow"

test-slow: $(STAMP)
	$(WARM_IMPORTS)
	$(PYTEST) -m slow

test-all: test test-slow

# Lint the whole tree with the rules of ruff.toml; installs ruff into .venv
# when it is missing.
RUFF := $(VENV)/bin/ruff
lint: $(RUFF)
	$(RUFF) check .

$(RUFF):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements/lint.txt

# The DigitMosaic-PL40 / -single table of docs/results.md (3 run seeds, the
# configs' 12-epoch schedule; finished runs are reused on a rerun).
MISSING_LABEL_CONFIGS := \
	$(foreach v,pl40 single,\
	  $(foreach m,bce focal asl wan,configs/baselines/$(m)_r18_digitmosaic-$(v).py) \
	  configs/hill/hill_r18_digitmosaic-$(v).py configs/splc/splc_r18_digitmosaic-$(v).py \
	  configs/pu_mlc/pu-mlc_r18_digitmosaic-$(v).py) \
	configs/splc/splc_r18_digitmosaic-pl40_no-correction.py \
	configs/pu_mlc/pu-mlc_r18_digitmosaic-pl40_no-lgc.py \
	configs/pu_mlc/pu-mlc_r18_digitmosaic-pl40_no-mixup.py \
	configs/pu_mlc/pu-mlc_r18_digitmosaic-pu.py

results-missing-labels: $(STAMP)
	OMP_NUM_THREADS=1 $(PY) tools/analysis_tools/run_seeds.py $(MISSING_LABEL_CONFIGS) \
	    --seeds 0 1 2 --keys mAP CF1 OF1 --work-root work_dirs/missing_label_e12 \
	    --out docs/results/digitmosaic-missing-labels.md

# The DigitMosaic evidence matrix (docs/results/matrix.md and its PNGs in
# docs/results/matrix/): every cell trained to convergence, 3 run seeds,
# resumable (finished runs are reused, so seeds accumulate over sittings;
# each finished run is a line of docs/results/runs/<work root>.jsonl, kept
# with the repository: a fresh checkout restores them and trains only what
# they lack).
# Two cells train at a time (--jobs 2, one thread each: the fastest set-up,
# benchmarks/matrix_parallel.py). MATRIX_ARGS e.g. `--seeds 0 --blocks
# multilabel`; `--rerun-other-trunk` trains again the frozen-trunk runs
# that started from another trunk than the current one, or recorded none
# (a trunk pre-trained again on another machine is not always
# bit-identical).
MATRIX_ARGS ?=
matrix: $(STAMP)
	OMP_NUM_THREADS=1 $(PY) tools/analysis_tools/run_matrix.py \
	    --work-root work_dirs/matrix --out docs/results/matrix.md \
	    --fig-dir docs/results/matrix --records docs/results/runs \
	    $(MATRIX_ARGS)

# Schedule checks of the paper claims beside the matrix (read by the matrix
# page's Diagnoses: <work root>-cap<N>): the claim cells rerun with a longer
# cap: cap 24 and the PLL cap 30, both at the matrix's 3 run seeds
# (MATRIX_ARGS e.g. `--seeds 0 1`). Frozen-trunk checks start from the
# matrix's own trunk (--trunk-root), so they differ from the matrix's runs
# by the schedule alone (the page's "Frozen trunks" lists the trunk each
# seed's runs started from; where a fresh machine pre-trains another trunk,
# `make matrix MATRIX_ARGS=--rerun-other-trunk` first).
RUN_MATRIX = OMP_NUM_THREADS=1 $(PY) tools/analysis_tools/run_matrix.py --jobs 2 \
	--records docs/results/runs
CAP24 = $(RUN_MATRIX) --max-epochs 24 --work-root work_dirs/matrix-cap24 \
	--seeds 0 1 2
MATRIX_TRUNK = --trunk-root work_dirs/matrix
matrix-schedule: $(STAMP)
	$(RUN_MATRIX) --max-epochs 30 --work-root work_dirs/matrix-cap30 \
	    --out docs/results/matrix-cap30.md --fig-dir docs/results/matrix-cap30 \
	    --blocks pll --rows CORR RECORDS SoLar --columns lt-q0.3 lt-q0.5 \
	    --seeds 0 1 2 $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-plt.md --fig-dir /tmp/matrix-cap24-plt \
	    --blocks multilabel --rows COMIC "COMIC w/o correction" \
	    "COMIC w/o modification" "COMIC w/o balance" "BCE, frozen trunk" \
	    --columns plt $(MATRIX_TRUNK) $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-lt-noise.md --fig-dir /tmp/matrix-cap24-lt-noise \
	    --blocks multilabel --rows "Stitch-Up + co-learning" \
	    "co-learning w/o Stitch-Up" "Stitch-Up w/o co-learning" \
	    "BCE, stem..layer3 frozen" --columns lt-noise $(MATRIX_TRUNK) $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-db.md --fig-dir /tmp/matrix-cap24-db \
	    --blocks multilabel --rows BCE DB-focal "DB-focal, re-weighting only" \
	    --columns clean $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-hill.md --fig-dir /tmp/matrix-cap24-hill \
	    --blocks multilabel --rows BCE Hill SPLC --columns missing single \
	    $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-pu.md --fig-dir /tmp/matrix-cap24-pu \
	    --blocks multilabel --rows PU-MLC "Hill, fine-tuned" \
	    "SPLC, fine-tuned" --columns missing single $(MATRIX_TRUNK) $(MATRIX_ARGS)
	$(CAP24) \
	    --out /tmp/matrix-cap24-shifted.md --fig-dir /tmp/matrix-cap24-shifted \
	    --blocks shifted --rows BCE --columns clean $(MATRIX_ARGS)
	$(CAP24) \
	    --out docs/results/matrix-cap24.md --fig-dir docs/results/matrix-cap24 \
	    --blocks multilabel shifted $(MATRIX_TRUNK) --report-only

# Float32 parity of the bfloat16 matrix (docs/benchmarks.md, "bfloat16
# training"): the fine-tuned BCE and Hill missing-label cells and their
# trunk trained again in float32, compared run by run with the matrix's.
matrix-fp32: $(STAMP)
	$(RUN_MATRIX) --fp32 --work-root work_dirs/matrix-fp32 \
	    --out /tmp/matrix-fp32.md --fig-dir /tmp/matrix-fp32 \
	    --blocks multilabel --rows "BCE, fine-tuned" "Hill, fine-tuned" \
	    --columns missing $(MATRIX_ARGS)
	$(PY) benchmarks/bf16_training.py --compare \
	    docs/results/runs/matrix-fp32.jsonl docs/results/runs/matrix.jsonl

clean-venv:
	rm -rf $(VENV)
