package shard

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]Shard{"0/1": {0, 1}, "3/4": {3, 4}, "0/16": {0, 16}} {
		got, err := Parse(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "1", "4/4", "-1/4", "1/0", "a/b", "1/2/3", " 1/2"} {
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), "--shard") {
			t.Errorf("Parse(%q) = %v, want an error naming --shard", bad, err)
		}
	}
}

func TestOwnsDealsEveryItemOnce(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		for k := 0; k < 50; k++ {
			owners := 0
			for i := 0; i < n; i++ {
				if (Shard{i, n}).Owns(k) {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("item %d of %d shards has %d owners", k, n, owners)
			}
		}
	}
	if !(Shard{}).Owns(5) || (Shard{}).Split() {
		t.Error("the zero Shard is not the whole work")
	}
}

func TestCheck(t *testing.T) {
	name := func(i int) string { return fmt.Sprintf("p%d", i) }
	if err := Check([]Shard{{2, 3}, {0, 3}, {1, 3}}, name); err != nil {
		t.Fatal(err)
	}
	for parts, want := range map[*[]Shard]string{
		{}:                       "no parts",
		{{0, 3}, {2, 3}}:         "missing shard 1/3",
		{{0, 2}, {1, 2}, {1, 2}}: "p1 and p2 are both shard 1/2",
		{{0, 2}, {1, 3}}:         "different splits",
	} {
		err := Check(*parts, name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%v) = %v, want %q", *parts, err, want)
		}
	}
}

func TestParseRefusesBadShares(t *testing.T) {
	for _, bad := range []string{"1/1x", "2/2", "-1/3", "0/0", "x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("--shard %q accepted", bad)
		}
	}
}
