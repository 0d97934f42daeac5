# `make test` is the whole test suite: sync checks, then every notebook executed by nbdev_test.
PY ?= python

.PHONY: test check nbs export readme clean
test: check nbs

check:
	$(PY) tools/check_sync.py

nbs:
	$(PY) tools/test_nbs.py

export:
	nbdev_export && nbdev_clean && $(PY) tools/make_readme.py

readme:
	$(PY) tools/make_readme.py
