// Package view turns a sampled grid into a picture, and describes a picture completely.
//
// A State holds everything a picture depends on: the model, data, probe and its resolution
// (Sampling), and the metric, logit, view, colours, theme, camera and size. Its flags (Register,
// Args, ParseArgs) are `surfscope render`'s, so a State from the app is reproduced headless by
// State.CommandLine, and it is saved and read back as JSON (ParseJSON). State.Scene (or Scene with
// SceneOptions in the renderer's terms) draws a grid sampled on a probe: the surface, heatmap or
// line curves of the chosen metric, with the probe's images as thumbnails, axes and a colour bar.
// Statistics formats a probe's summary as text. The app and every command draw through this
// package, so both give the same picture; it never imports Fyne.
package view
