// Package surface samples a network over a probe into a Grid of outputs, analyses the result and
// exports it. It never imports the renderer, view or the app: a Field is a plain grid of numbers.
//
// Probes: BuildProbe makes every kind of projection.Spec over a split given as images and labels
// (the adversarial plane, AdversarialPlane, needs the net's input gradient); Sample evaluates a
// net over one; Predict gives a net's predicted classes for a batch of images.
//
// Analyses, each a function from a Grid (plus the net where it needs one) to a map and summary
// numbers: value maps (Softmax, Margin, Loss, Predicted), smoothness (GradientNorm by finite
// differences, InputGradientNorm by backpropagation), curvature (Differentiate, Curvatures),
// symmetry on centred logits (Grid.Centred, MirrorDifference, SummarizeSymmetry,
// MeasureFlipConsistency), mixup linearity (MixupDeviation, SummarizeMixup), polynomial degree with
// its aliasing guard (PolynomialDegree), linear regions on the grid (LinearRegions: distinct
// patterns, components) and exactly for MLPs (ExactRegions). Summarize runs all that apply to one
// probe; BuildAtlas gathers their distributions over many probes of a model. docs/METRICS.md
// defines every number.
//
// Parameter space: ParamVector, FilterNormalized directions, LossLandscape and ModelLine, and
// HessianExtremes at the centre of a landscape (Lanczos to a residual tolerance, with the bounds).
//
// Exports: NumPy .npy (WriteNPY), VTK structured grids for ParaView (WriteVTS); the summaries marshal
// to JSON.
package surface
