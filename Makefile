# `make test` is the whole test suite: sync checks, warning-free compile and import of the library, every chapter's
# Colab cells, clean saved outputs (tools/check_outputs.py), the site's notebook processing (nbdev_proc_nbs), then
# the chapters that read shipped data run from a folder outside the repository (tools/test_outside.py), then every
# notebook executed by nbdev_test.
# On a new machine (a GPU, another CPU or torch), `make test-all` runs every cell of every notebook even after a
# failure and lists every failing cell.
PY ?= python

.PHONY: test test-all check docs outside nbs export readme
test: check docs outside nbs

check:
	$(PY) tools/check_sync.py
	$(PY) tools/check_imports.py
	$(PY) tools/colab_cells.py --check
	$(PY) tools/check_outputs.py --self-test
	$(PY) tools/check_outputs.py

docs:
	nbdev_proc_nbs --n_workers 1 > /dev/null 2>&1 || (nbdev_proc_nbs --n_workers 1; exit 1)
	@echo "nbdev_proc_nbs: notebooks processed for the site."

outside:
	$(PY) tools/test_outside.py

nbs:
	$(PY) tools/test_nbs.py

test-all:
	$(PY) tools/test_nbs.py --keep-going

export:
	nbdev_export && nbdev_clean && $(PY) tools/make_readme.py

readme:
	$(PY) tools/make_readme.py
