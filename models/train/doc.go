// Package train trains a models.Net in place with gorgonia: Run takes a training set (and an
// optional test set) from package dataset and a Config (Adam or SGD with momentum, weight decay,
// constant, cosine or step schedules, horizontal flips and mixup), measures every epoch
// (EpochStats, including how saturated sigmoid gates are), reports progress, stops when the
// training set is fitted if asked, and can be cancelled, leaving the net of the last completed
// epoch.
//
// LossGradient evaluates the mean training loss over a fixed set of images and its gradient with
// respect to the weights, through the same graphs with batch norm frozen: the first-order
// information the Hessian analyses of package surface build on.
//
// Training is bit-reproducible: the same net, data, Config and seed give the same weights on
// every run with the same GOMAXPROCS. The gorgonia graph and the kernels behind its ops live in
// train/internal/graph.
package train
