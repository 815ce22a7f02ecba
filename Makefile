# Quick start: `make demo` trains the embedded DigitMosaic default on the CPU;
# `make test` runs the test suite. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.mlc-installed

.PHONY: demo test install clean-venv results-missing-labels

install: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/demo.py

test: $(STAMP)
	$(PY) -m pytest tests -q

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

clean-venv:
	rm -rf $(VENV)
