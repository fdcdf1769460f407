// Package view turns a sampled grid into a picture, and describes a picture completely.
//
// A State holds everything a picture depends on: what is sampled (Sampling: model, data, split,
// probe, grid, points, margin, range, λ range) and how it is drawn (metric, logit, view, colormap,
// colour range, contours, theme, camera, size, antialiasing). The API in five lines:
//
//	st := view.Default()                       // or view.ParseArgs(flags), view.ParseJSON(b)
//	sm, err := st.Sample(ctx, progress)        // load the model and data, build the probe, sample it
//	img, err := st.Render(r, sm.Grid, sm.Set)  // or st.Scene(...) for a render.Scene to show
//	line := st.CommandLine("shot.png")         // `surfscope render` flags that redraw it (Args)
//	text := view.Statistics(summary)           // a probe's analyses as readable text
//	f, err := view.MetricField(g, "mean curvature", k, 0) // one per-point metric
//	help := view.MetricHelp("mean curvature")  // its definition, from docs/METRICS.md
//
// State.Register defines the flags of `surfscope render` (Sampling.Register those of every
// command that samples a probe), so Args and ParseArgs round-trip; JSON keys are the flag names.
// Scene with SceneOptions draws in the renderer's terms: the surface, heatmap or line curves of
// the chosen metric, the probe's images as thumbnails, axes and a colour bar. The app and every
// command draw through this package, so both give the same picture; it never imports Fyne.
package view
