# `make test` is the whole test suite: sync checks, the site's notebook processing (nbdev_proc_nbs),
# then every notebook executed by nbdev_test.
PY ?= python

.PHONY: test check docs nbs export readme
test: check docs nbs

check:
	$(PY) tools/check_sync.py

docs:
	nbdev_proc_nbs --n_workers 1 > /dev/null 2>&1 || (nbdev_proc_nbs --n_workers 1; exit 1)
	@echo "nbdev_proc_nbs: notebooks processed for the site."

nbs:
	$(PY) tools/test_nbs.py

export:
	nbdev_export && nbdev_clean && $(PY) tools/make_readme.py

readme:
	$(PY) tools/make_readme.py
