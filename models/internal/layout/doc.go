// Package layout maps the elements of a multi-input node's output to the elements of its inputs,
// for the engines that evaluate nets (the fast forward pass, the Jacobians, the training graph):
// the broadcasting of OpAdd and OpMul (a size-1 dimension repeats) and the runs in which OpConcat
// joins its inputs. The rules themselves are models.Net's; this is their one index arithmetic.
package layout
