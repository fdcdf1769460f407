// Package ntk computes a network's empirical neural tangent kernel Θ(x,x') = J(x)J(x')ᵀ on chosen
// samples (Jacot, Gabriel & Hongler 2018) from per-sample parameter gradients (jacobian.Jacobian),
// in chunks whose memory is bounded whatever the number of parameters; eigen-decomposes it with
// gonum (Decompose); fits a power law to its spectrum (FitPowerLaw); and predicts the test error
// of kernel regression from the spectrum by eigenlearning (Simon et al. 2023: Kappa, Predict),
// set against kernel regression actually done on the same samples (KernelRegression) and the
// network's own errors (MeasureNet). The kernel at initialisation (Initial) against the trained
// one measures how far training left the lazy regime (RelativeChange, Alignment). Analyze runs it
// all into a JSON-ready Report.
package ntk
