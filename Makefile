# ha_web.alicloud: `make demo` runs the service on the local emulator, `make test` runs every test.
# Everything is installed into .venv from the pinned files in requirements/; a second run is fast.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)

# The emulator used by `make demo` (and by playbooks run by hand against inventories/local).
EMULATOR_PORT ?= 18080
EMULATOR_STATE ?= $(CURDIR)/.emulator
EMULATOR_TIMING ?= fast
# The local ECS images the emulator's instances run (tools/build-image.sh RELEASE), one per Debian release: an instance
# runs the one of its ECS image's release, any other the first. The site's default (site_os: debian_13) needs trixie;
# a site with site_os: debian_12 wants EMULATOR_RELEASES="trixie bookworm".
EMULATOR_RELEASES ?= trixie
EMULATOR_IMAGES = $(foreach release,$(EMULATOR_RELEASES),--image $$(tools/build-image.sh $(release)))

# ansible-test needs the collection under an ansible_collections/<namespace>/<name> path; one per checkout, so that
# two worktrees (or make compat's versions) never share it.
SANITY_ROOT ?= $(or $(TMPDIR),/tmp)/ha_web_alicloud_sanity-$(shell echo "$(CURDIR)" | md5sum | cut -c1-8)
SANITY_DIR := $(SANITY_ROOT)/ansible_collections/ha_web/alicloud
# The venv whose ansible-test runs `make sanity`, and the Python version it tests with (`make compat` gives each
# newer ansible-core's, on Python 3.13 in a Debian 13 root).
SANITY_VENV ?= $(VENV)
SANITY_PYTHON ?= 3.11

# The newer ansible-core releases `make compat` checks (requires_ansible in meta/runtime.yml admits them; the latest
# patch of each), which need Python 3.12 or later; the main lanes run requirements/runtime.txt's on Python 3.11.
COMPAT_ANSIBLE_CORE ?= 2.20.10 2.21.5

.PHONY: help setup demo test lint sanity unit docker-ready emulator-test integration compat molecule fullstack bench emulator-start emulator-stop clean

help:
	@echo "make demo    - set up, start the local emulator (Docker runtime), build the site, run the ECS drill"
	@echo "make test    - set up and run every test (lint, sanity, unit, emulator, integration, newer ansible-core, molecule, full stack)"
	@echo "make setup | lint | sanity | unit | emulator-test | integration | compat | molecule | fullstack | bench"
	@echo "     emulator-start | emulator-stop | emulator-down | clean"

setup: $(STAMP)

$(STAMP): requirements/runtime.txt requirements/dev.txt emulator/pyproject.toml Makefile
	tools/host-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt -e emulator
	mkdir -p $(VENV)/collections/ansible_collections/ha_web
	ln -sfn $(CURDIR) $(VENV)/collections/ansible_collections/ha_web/alicloud
	touch $@

# The whole site on the local emulator (Docker runtime): site.yml, then the ECS failover drill and its report.
demo: setup
	tools/docker-engine.sh
	$(BIN)/alicloud-emulator start --port $(EMULATOR_PORT) --state-dir $(EMULATOR_STATE) --timing $(EMULATOR_TIMING) \
	    --runtime docker $(EMULATOR_IMAGES)
	$(BIN)/ansible-playbook playbooks/site.yml
	$(BIN)/ansible-playbook playbooks/drill_ecs_stop.yml
	@echo
	@$(BIN)/python tools/drill_table.py $$(ls -t reports/drill_ecs_stop-*.json | grep -v requests | head -1)
	@echo "Next: .venv/bin/ansible-playbook playbooks/drill_nas_failover.yml; .venv/bin/ansible-playbook playbooks/teardown.yml;"
	@echo "      $(BIN)/alicloud-emulator down --state-dir $(EMULATOR_STATE)   (removes the containers and HAProxy)"

emulator-start: setup
	tools/docker-engine.sh
	$(BIN)/alicloud-emulator start --port $(EMULATOR_PORT) --state-dir $(EMULATOR_STATE) --timing $(EMULATOR_TIMING) \
	    --runtime docker $(EMULATOR_IMAGES)

emulator-stop: setup
	$(BIN)/alicloud-emulator stop --state-dir $(EMULATOR_STATE)

emulator-down: setup
	$(BIN)/alicloud-emulator down --state-dir $(EMULATOR_STATE)

# Two rounds of lanes side by side (tools/timed-stages.sh). First the quick checks beside the emulator's tests (its
# data-plane tests time HAProxy and containers, so they run before the machine gets busy); then the newer
# ansible-core releases with the module tests and the Molecule scenarios, beside the full-stack sites (mostly waiting
# on hosts). The Docker engine and the image are made ready first, once, for every lane.
TEST_FIRST_LANES := "lint sanity unit" "emulator-test"
TEST_LANES := "compat integration molecule" "fullstack"
test: setup docker-ready
	MAKE=$(MAKE) tools/timed-stages.sh $(TEST_FIRST_LANES)
	MAKE=$(MAKE) tools/timed-stages.sh $(TEST_LANES)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# No inventory: the local one asks the emulator, and with none running each syntax check would wait for it.
	ANSIBLE_INVENTORY=/dev/null $(BIN)/ansible-lint
	$(BIN)/antsibull-changelog lint

# ansible-test downloads a pip bootstrap script from a host these machines cannot reach; it uses a cached
# copy when there is one, so we put our stand-in (tools/ansible_test_pip_bootstrap.py) in its cache.

sanity: setup
	v=$$(sed -n "s/^ *pip='\([0-9.]*\)',/\1/p" $(SANITY_VENV)/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py); \
	  mkdir -p ~/.ansible/test/cache && cp tools/ansible_test_pip_bootstrap.py ~/.ansible/test/cache/get_pip_$${v//./_}.py
	rm -rf $(SANITY_DIR) && mkdir -p $(SANITY_DIR)
	tar -c --exclude-vcs --exclude='./.venv*' --exclude=./emulator --exclude=./.emulator --exclude=./build \
	    --exclude=./.ansible --exclude=__pycache__ --exclude=.pytest_cache --exclude=.ruff_cache -C $(CURDIR) . | tar -x -C $(SANITY_DIR)
	cd $(SANITY_DIR) && $(SANITY_VENV)/bin/ansible-test sanity --venv --python $(SANITY_PYTHON) --color no

# Unit tests, and the packaging tests: the built tarball, requirements.txt, the ansible-builder context.
unit: setup
	$(BIN)/pytest -q tests/unit tests/packaging

# The data-plane tests (emulator/tests/test_docker_*.py) need the Docker engine and the local ECS images: Debian 13
# (what the hosts run by default) and Debian 12 (Molecule's second release, the emulator's image per release).
docker-ready: setup
	tools/docker-engine.sh
	tools/build-image.sh >/dev/null
	tools/build-image.sh bookworm >/dev/null

emulator-test: setup docker-ready
	$(BIN)/pytest -q --durations=10 emulator/tests

# In parallel workers (INTEGRATION_WORKERS), each with its own emulator per test file, which counts its own calls.
INTEGRATION_WORKERS ?= 2
integration: setup
	$(BIN)/pytest -q --durations=10 -n $(INTEGRATION_WORKERS) tests/integration

# The newer ansible-core releases, in a Debian 13 root (Python 3.13) used as a chroot (tools/build-controller-root.sh):
# sanity, unit tests, the vpc target and both module paths, each in .venv-compat/<version>-py3.13.
compat: setup
	tools/compat.sh $(COMPAT_ANSIBLE_CORE)

# Every role's Molecule scenario (molecule/*, base config in .config/molecule/config.yml): systemd containers from
# the local ECS image, built here if needed, with the apt state of a freshly built one (tools/fresh-apt-image.sh);
# each scenario is destroyed at its end, also when it fails. Every scenario on Debian 13 (the web hosts' default), then
# on Debian 12 the scenarios of the host services whose packages differ most between the releases
# (MOLECULE_DEBIAN12_SCENARIOS: bindfs's FUSE helper, fuse 2 against fuse3; lsyncd and the switch on Python 3.11 against
# 3.13; add web for a change to nginx's configuration, 1.22 against 1.26); each release's time is printed. The containers' names end in MOLECULE_NAME_SUFFIX (one per checkout) and clb_backends' emulator listens
# on MOLECULE_EMULATOR_PORT, so that two checkouts can run their scenarios at once.
MOLECULE_DEBIAN12_SCENARIOS ?= nas_mount nas_sync
MOLECULE_NAME_SUFFIX ?= -$(shell echo "$(CURDIR)" | md5sum | cut -c1-6)
MOLECULE_EMULATOR_PORT ?= 18190
molecule: setup docker-ready
	export MOLECULE_NAME_SUFFIX=$(MOLECULE_NAME_SUFFIX) MOLECULE_EMULATOR_PORT=$(MOLECULE_EMULATOR_PORT); \
	  started=$$(date +%s) && image=$$(tools/fresh-apt-image.sh trixie) && \
	  MOLECULE_IMAGE=$$image $(BIN)/molecule test --all && debian13=$$(( $$(date +%s) - started )) && \
	  started=$$(date +%s) && image=$$(tools/fresh-apt-image.sh bookworm) && \
	  MOLECULE_IMAGE=$$image $(BIN)/molecule test $(addprefix -s ,$(MOLECULE_DEBIAN12_SCENARIOS)) && \
	  echo "molecule: every scenario on Debian 13 in $$debian13 s;" \
	    "$(MOLECULE_DEBIAN12_SCENARIOS) on Debian 12 in $$(( $$(date +%s) - started )) s"

# The whole site on the emulator's Docker runtime: site, re-run, check mode, the drills, teardown. Each test file
# builds its own site on its own emulator, in parallel workers (FULLSTACK_WORKERS), handed out longest first in the
# order of FILE_ORDER (tests/fullstack/conftest.py).
FULLSTACK_WORKERS ?= 3
fullstack: setup docker-ready
	$(BIN)/pytest -q --durations=0 -n $(FULLSTACK_WORKERS) --dist loadfile --no-loadscope-reorder tests/fullstack

bench: setup
	$(BIN)/python bench/emulator_bench.py --output bench/results/emulator.json
	$(BIN)/python bench/modules_bench.py --output bench/results/modules.json
	$(BIN)/python bench/peer_bench.py --output bench/results/peer.json
	$(BIN)/python bench/nas_sync_bench.py --output bench/results/nas_sync.json
	$(BIN)/python bench/dataplane_bench.py --build-image --output bench/results/dataplane.json
	$(BIN)/python bench/site_bench.py --output bench/results/site.json
	$(BIN)/python bench/site_bench.py --time-scale 1.0 --output bench/results/site_realistic.json
	$(BIN)/python bench/site_noop_bench.py --output bench/results/site_noop.json

clean: emulator-stop
	rm -rf $(VENV) .venv-compat $(SANITY_ROOT) build .pytest_cache .ruff_cache
