package render

import "math"

// funcField samples f on an nx x ny grid over [x0,x1] x [y0,y1], both ends
// included.
type funcField struct {
	nx, ny         int
	x0, x1, y0, y1 float64
	f              func(x, y float64) float64
}

func (g *funcField) Dims() (int, int) { return g.nx, g.ny }
func (g *funcField) X(i int) float64  { return g.x0 + (g.x1-g.x0)*float64(i)/float64(g.nx-1) }
func (g *funcField) Y(j int) float64  { return g.y0 + (g.y1-g.y0)*float64(j)/float64(g.ny-1) }
func (g *funcField) Z(i, j int) float64 {
	return g.f(g.X(i), g.Y(j))
}

// paraboloid is z = x² + y² on [−1,1]².
func paraboloid(n int) *funcField {
	return &funcField{nx: n, ny: n, x0: -1, x1: 1, y0: -1, y1: 1, f: func(x, y float64) float64 { return x*x + y*y }}
}

// waves is a bumpy test surface with peaks, saddles and valleys.
func waves(n int) *funcField {
	return &funcField{nx: n, ny: n, x0: -3, x1: 3, y0: -3, y1: 3, f: func(x, y float64) float64 {
		return 3*(1-x)*(1-x)*math.Exp(-x*x-(y+1)*(y+1)) - 10*(x/5-x*x*x-math.Pow(y, 5))*math.Exp(-x*x-y*y) - math.Exp(-(x+1)*(x+1)-y*y)/3
	}}
}

// holes is waves with NaN in a disc and +Inf along a line.
func holes(n int) *funcField {
	w := waves(n)
	return &funcField{nx: n, ny: n, x0: -3, x1: 3, y0: -3, y1: 3, f: func(x, y float64) float64 {
		if (x-1)*(x-1)+(y-1)*(y-1) < 0.6 {
			return math.NaN()
		}
		if math.Abs(y+1.5) < 0.05 {
			return math.Inf(1)
		}
		return w.f(x, y)
	}}
}
