package memcap

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{
		"16GiB": 16 << 30, "1.5G": 3 << 29, "500MB": 500e6, "2000000000": 2e9, " 64 g ": 64 << 30, "1kB": 1000, "0": 0, "3TiB": 3 << 40,
	} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "-1G", "12 parsecs", "1e400", "NaN"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q): no error", in)
		}
	}
}

func TestCheckAgainstTheEnvironment(t *testing.T) {
	t.Setenv(EnvVar, "2GB")
	if err := Check("a small job", 1e9); err != nil {
		t.Fatal(err)
	}
	err := Check("a grid of 4096×4096 points of 1000 logits", 67_108_864_000)
	var e *Error
	if !errors.As(err, &e) || e.Limit != 2e9 || e.Need != 67_108_864_000 {
		t.Fatalf("over the cap: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"a grid of 4096×4096", "67 GB", "2.0 GB", "SURFSCOPE_MAX_MEMORY=2GB", "set SURFSCOPE_MAX_MEMORY=74GB"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if err := Check("an overflowing estimate", Mul(1<<40, 1<<40)); err == nil {
		t.Error("an overflowed estimate passed")
	}
	t.Setenv(EnvVar, "off")
	if err := Check("anything", math.MaxInt64); err != nil {
		t.Errorf("cap off: %v", err)
	}
	t.Setenv(EnvVar, "lots")
	if err := Check("anything", 1); err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf("a bad %s: %v", EnvVar, err)
	}
}

// Without the variable the cap is 3/4 of the machine's memory (Linux) or the fallback.
func TestDefaultCap(t *testing.T) {
	t.Setenv(EnvVar, "")
	limit, source, err := Limit()
	if err != nil {
		t.Fatal(err)
	}
	total, _ := machineMemory()
	switch {
	case total > 0 && limit != total/4*3:
		t.Errorf("cap %d with %d of memory (%s)", limit, total, source)
	case total <= 0 && limit != fallback:
		t.Errorf("cap %d without a known memory size (%s)", limit, source)
	}
	t.Logf("default cap %s (%s)", Format(limit), source)
}

func TestFormatAndMul(t *testing.T) {
	for b, want := range map[int64]string{512: "512 B", 3_140_480: "3.1 MB", 67_108_864_000: "67 GB", 8 << 30: "8.6 GB"} {
		if got := Format(b); got != want {
			t.Errorf("Format(%d) = %q, want %q", b, got, want)
		}
	}
	if Mul(4096, 4096, 1000, 4) != 67_108_864_000 || Mul(math.MaxInt64, 2) != -1 || Mul(-1, 2) != -1 || Mul() != 1 {
		t.Error("Mul")
	}
}
