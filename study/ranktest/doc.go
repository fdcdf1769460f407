// Package ranktest compares two samples of a number without assuming how it is distributed: the
// two-sided Mann–Whitney U test (Mann & Whitney 1947) with scipy's conventions, the
// Hodges–Lehmann estimate of the shift between them (Hodges & Lehmann 1963) with a seeded
// percentile bootstrap confidence interval (Efron & Tibshirani 1993, ch. 13), and Holm's
// step-down correction of p-values for several tests (Holm 1979).
//
// A study compares, metric by metric, the values that independent random probes give on two
// models: each probe is one draw, so the samples are independent and a rank test applies.
package ranktest
