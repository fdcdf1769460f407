// Package detach lets a cancelled caller stop waiting for work that cannot be stopped half-way: a
// dense eigen-decomposition in gonum, a GL draw call. The work goes on in the background until it
// ends and its result is dropped; the caller is free at once. Work that can check a context should
// check it instead: detached work still holds its memory and its CPU until it ends.
package detach

import "context"

// Run calls f on a goroutine of its own and returns its result, or ctx's error as soon as ctx is
// done, whichever comes first. f must not touch anything the caller uses after Run returns
// early; its result is then dropped.
func Run[T any](ctx context.Context, f func() (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
