package memcap

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// EnvVar names the environment variable that sets the cap.
const EnvVar = "SURFSCOPE_MAX_MEMORY"

// fallback is the cap where the machine's memory cannot be read.
const fallback = 8 << 30

// Error is an estimate over the cap.
type Error struct {
	What   string // the work, e.g. "a grid of 4096×4096 points of 1000 logits"
	Need   int64  // bytes the work needs, estimated
	Limit  int64  // the cap, bytes
	Source string // where the cap comes from, e.g. "3/4 of this machine's 24.7 GB"
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s needs about %s of memory, more than the cap of %s (%s); set %s=%s to allow it",
		e.What, Format(e.Need), Format(e.Limit), e.Source, EnvVar, suggest(e.Need))
}

// Check returns nil when need bytes are within the cap, else an *Error saying what needs them,
// how much, the cap and how to raise it. A need below 0 (an estimate that overflowed) is over any
// cap. It also returns an error when SURFSCOPE_MAX_MEMORY does not parse.
func Check(what string, need int64) error {
	limit, source, err := Limit()
	if err != nil {
		return err
	}
	if limit == 0 || need >= 0 && need <= limit {
		return nil
	}
	if need < 0 {
		need = math.MaxInt64
	}
	return &Error{What: what, Need: need, Limit: limit, Source: source}
}

// Limit returns the cap in bytes (0: none) and where it comes from.
func Limit() (limit int64, source string, err error) {
	if v, ok := os.LookupEnv(EnvVar); ok && strings.TrimSpace(v) != "" {
		if strings.EqualFold(strings.TrimSpace(v), "off") {
			return 0, EnvVar + "=off", nil
		}
		b, err := Parse(v)
		if err != nil {
			return 0, "", fmt.Errorf("%s=%q: %v", EnvVar, v, err)
		}
		return b, EnvVar + "=" + strings.TrimSpace(v), nil
	}
	total, what := machineMemory()
	if total <= 0 {
		return fallback, "the default where the machine's memory is unknown", nil
	}
	return total / 4 * 3, "3/4 of " + what + " " + Format(total), nil
}

var machine = sync.OnceValues(readMachineMemory)

func machineMemory() (int64, string) { return machine() }

// readMachineMemory returns the memory this process can use on Linux: MemTotal of /proc/meminfo,
// or the control group's limit (v2 memory.max, v1 memory.limit_in_bytes) when lower.
func readMachineMemory() (int64, string) {
	total, what := int64(0), ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if kb, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				if v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64); err == nil {
					total, what = v<<10, "this machine's"
				}
			}
		}
		f.Close()
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total, what = v, "the control group's limit of"
		}
	}
	return total, what
}

// Parse reads a size: a number with an optional unit, B, kB/KB, MB, GB, TB (powers of 1000),
// KiB, MiB, GiB, TiB (powers of 1024), or K, M, G, T alone (powers of 1024), e.g. "16GiB", "1.5G",
// "500MB", "2000000000".
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("want a size such as 32GiB, 500MB or a number of bytes")
	}
	scale, ok := units[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q: want B, kB, MB, GB, TB, KiB, MiB, GiB or TiB", unit)
	}
	b := v * scale
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("larger than %d bytes", int64(math.MaxInt64))
	}
	return int64(b), nil
}

var units = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// Format writes a byte count for people: "512 B", "3.1 MB", "67.1 GB" (powers of 1000).
func Format(b int64) string {
	const unit = 1000
	if b < unit {
		return strconv.FormatInt(b, 10) + " B"
	}
	v, suffix := float64(b), ""
	for _, s := range []string{"kB", "MB", "GB", "TB", "PB", "EB"} {
		v /= unit
		suffix = s
		if v < unit {
			break
		}
	}
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64) + " " + suffix
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " " + suffix
}

// suggest returns a value of SURFSCOPE_MAX_MEMORY a little above need, in whole GB.
func suggest(need int64) string {
	gb := need/1e9 + 1
	if need > math.MaxInt64/2 {
		return "off"
	}
	return strconv.FormatInt(gb+gb/10, 10) + "GB"
}

// Mul returns a·b·c… as bytes, or -1 when the product overflows an int64 (which Check treats as
// over any cap). Negative factors also give -1.
func Mul(factors ...int64) int64 {
	p := int64(1)
	for _, f := range factors {
		if f < 0 {
			return -1
		}
		if f != 0 && p > math.MaxInt64/f {
			return -1
		}
		p *= f
	}
	return p
}
