// Package study runs the comparison of residual-network variants across datasets in one call:
// for every (dataset, variant) cell it trains the network until it fits its training set (or
// imports a model trained elsewhere), then measures what the fitted function looks like — the
// surface atlas over data planes, mixup lines and flip planes, the gate saturation, the neural
// tangent kernel's spectrum with eigenlearning predictions, the Hessian's extreme eigenvalues at
// the minimum and the loss landscape around it — and gathers the numbers into results.json and a
// self-contained report.html with the figures, the tables and the statistical tests between
// variants (package ranktest).
//
// A study lives in one folder:
//
//	study.json                       the plan: configuration and settings (written first)
//	cells/DATA/VARIANT/model.*       the trained model (or model.json naming the imported one)
//	cells/DATA/VARIANT/STAGE.json    each analysis: its configuration hash, provenance, result
//	figures/DATA/*.png, *.svg        the figures of the report, each with its command
//	results.json, report.html        every number, and the report
//
// Every file is written atomically (internal/atomicfile). A killed study picks up where it
// stopped: a stage whose output exists and whose recorded configuration hash equals the current
// one is skipped, a training interrupted between epochs resumes from its last complete epoch, and
// anything else is redone. The work is a set of units (a cell's stage, a dataset's figures) with
// dependencies; Shard selects a deterministic share of them, so that n machines can run one study
// into one folder (or n folders that Merge joins).
package study
