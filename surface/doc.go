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
// symmetry (MirrorDifference, SummarizeSymmetry, MeasureFlipConsistency), mixup linearity
// (MixupDeviation, SummarizeMixup), polynomial degree (PolynomialDegree), linear regions
// (LinearRegions). Summarize runs all that apply to one probe; BuildAtlas gathers their
// distributions over many probes of a model.
//
// Parameter space: ParamVector, FilterNormalized directions, LossLandscape and ModelLine, and
// HessianExtremes at the centre of a landscape.
//
// Exports: NumPy .npy (WriteNPY), VTK structured grids for ParaView (WriteVTS); the summaries marshal
// to JSON.
package surface
