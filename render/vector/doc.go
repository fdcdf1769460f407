// Package vector writes the 2D views of render.Scene — line plots (ViewLines), heatmaps
// (ViewHeatmap) and text panels (ViewText) — as SVG or PDF, drawn with gonum.org/v1/plot on its
// vg canvases, so that a figure goes into a paper as vector graphics: axes, ticks, text, curves,
// contour lines, markers and colour bars are vector paths and text; a heatmap's colours and the
// anchor thumbnails are embedded images.
//
// A figure is one or more panels side by side (the NTK tab's two plots, say). Each panel reads its
// Scene as the raster renderer does: the title and caption on top, the anchor thumbnails in a strip
// above the plot with dashed leader lines to their markers, the legend or colour bar at the right
// (the colour range from Scene.ColorRange, extended ends marked with triangles), curve styles,
// markers and marker edges. The 3D surface has no vector form: Write refuses it.
//
// Sizes are given in pixels and written at 96 pixels per inch, so that a 1600×1000 picture
// becomes a 1200×750 pt page with the same proportions as the PNG.
package vector
