# Silicon Curtain: developer and CI entry points.
#   make venv   create .venv and install the project (editable) with the research, test and bench extras
#   make test   headless test suite; this is the one command CI runs (.ci/run)
#   make play   start the game (installs the game alone: no research or test extras)
#   make bench  performance benchmarks (bench/bench_core.py, bench/bench_batch.py, bench/bench_ui.py)
#   make bench-uncertainty  sweeps/uncertainty.toml and its report into results/uncertainty (batch prints its wall time)
#   make clean  remove the venv and build/test caches

PY    ?= python3
VENV  := .venv
VPY   := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Fails when plain `pygame` shadows pygame-ce (both install the `pygame` module).
PYGAME_CE_GUARD := import pygame,sys; sys.exit(not getattr(pygame,'IS_CE',0))

.PHONY: venv venv-play test play bench bench-uncertainty clean

# Two installs: the game alone for `make play`; the game with the research, test and bench extras for
# `make test` and `make bench` (a full install also counts as a game install).
PLAY_STAMP := $(VENV)/.installed-play

define CHECK_PYGAME_CE
@PYGAME_HIDE_SUPPORT_PROMPT=1 $(VPY) -c "$(PYGAME_CE_GUARD)" || { \
  echo "ERROR: 'import pygame' in $(VENV) is plain pygame, not pygame-ce." >&2; \
  echo "       Plain pygame shadows pygame-ce; never install 'pygame'. Fix with:" >&2; \
  echo "       $(VPY) -m pip uninstall -y pygame pygame-ce && $(VPY) -m pip install pygame-ce==2.5.8" >&2; \
  exit 1; }
endef

venv: $(STAMP)
	$(CHECK_PYGAME_CE)

venv-play: $(PLAY_STAMP)
	$(CHECK_PYGAME_CE)

$(VPY):
	$(PY) -m venv $(VENV)

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -e ".[research,test,bench]"
	@touch $@ $(PLAY_STAMP)

$(PLAY_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -e .
	@touch $@

test: venv
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(VPY) -m pytest -n 2

play: venv-play
	$(VENV)/bin/silicon-curtain play

bench: venv
	$(VPY) bench/bench_core.py
	$(VPY) bench/bench_batch.py
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(VPY) bench/bench_ui.py

# The sensitivity study of docs/uncertainty.md, timed; not part of `make test` or `make bench` (512 runs of 72 months).
bench-uncertainty: venv
	rm -rf results/uncertainty
	$(VPY) -m game batch sweeps/uncertainty.toml --out results/uncertainty --workers 2 --no-progress
	$(VPY) -m game report results/uncertainty

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
