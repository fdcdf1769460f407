// Package surface samples a network over a probe into a Grid of outputs, analyses the result
// (smoothness, curvature, symmetry, mixup linearity, degree, linear regions) and exports grids as
// NumPy .npy files. It never imports the renderer or the app: a Field is a plain grid of numbers.
package surface
