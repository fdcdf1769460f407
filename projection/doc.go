// Package projection defines surfscope's probes: the planes and lines through input space on which a
// network's outputs are sampled. Each probe is an affine family Origin + s·Dirs[0] + t·Dirs[1] over a
// grid of coordinates, with named anchors (the data images a plane passes through) in those coordinates.
// The definitions follow ../shared/DESIGN.md exactly; everything random takes a seed.
//
// Probes: DataPlane, RandomPlane, FlipPlane, MixupLine (DESIGN.md), PCAPlane (the two leading
// principal components of a data set) and GradientPlane (a given gradient direction and a random
// orthogonal one; surface.AdversarialPlane supplies the loss gradient).
package projection
