package train

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/models"
)

// A training-state file (SaveState) is stateMagic, an 8-byte little-endian header length, a JSON
// header (stateHeader), the net as a checkpoint (models.Encode, CheckpointBytes long), then the
// optimizer's buffers as little-endian float32, buffer by buffer and tensor by tensor in the
// order the header lists their lengths.
const (
	stateMagic     = "surfscope-train-state/1\n"
	maxStateHeader = 64 << 20
)

type stateHeader struct {
	Config          Config       `json:"config"`
	History         []EpochStats `json:"history"`
	RNG             []byte       `json:"rng"` // the PCG generator, marshalled
	Steps           int          `json:"optimizer_steps"`
	Buffers         [][]int      `json:"optimizer_buffers"` // lengths, per buffer per tensor
	CheckpointBytes int64        `json:"checkpoint_bytes"`
}

// SaveState writes st to path atomically (internal/atomicfile): the net, the optimizer's state,
// the random generator and the history, everything LoadState needs to continue the run.
func SaveState(path string, st *State) error {
	var ckpt bytes.Buffer
	if err := models.Encode(&ckpt, st.Net); err != nil {
		return fmt.Errorf("train: state %s: %v", path, err)
	}
	h := stateHeader{Config: st.Config, History: st.History, RNG: st.rng, Steps: st.opt.Steps,
		CheckpointBytes: int64(ckpt.Len())}
	for _, buf := range st.opt.Buffers {
		lens := make([]int, len(buf))
		for j, v := range buf {
			lens[j] = len(v)
		}
		h.Buffers = append(h.Buffers, lens)
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("train: state %s: %v", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		var size [8]byte
		binary.LittleEndian.PutUint64(size[:], uint64(len(hb)))
		for _, b := range [][]byte{[]byte(stateMagic), size[:], hb, ckpt.Bytes()} {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return writeBuffers(w, st.opt.Buffers)
	})
}

func writeBuffers(w io.Writer, buffers [][][]float32) error {
	b := make([]byte, 0, 1<<16)
	for _, buf := range buffers {
		for _, v := range buf {
			for _, x := range v {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
				if len(b) == cap(b) {
					if _, err := w.Write(b); err != nil {
						return err
					}
					b = b[:0]
				}
			}
		}
	}
	_, err := w.Write(b)
	return err
}

// LoadState reads a training state written by SaveState. Errors name the file and what is
// wrong; nothing is allocated beyond what the file's net justifies.
func LoadState(path string) (*State, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: state: %v", err)
	}
	defer f.Close() // read-only
	st, err := decodeState(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("train: state %s: %v", path, err)
	}
	return st, nil
}

func decodeState(r io.Reader) (*State, error) {
	magic := make([]byte, len(stateMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != stateMagic {
		return nil, errors.New("not a surfscope training state")
	}
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, fmt.Errorf("truncated header: %v", err)
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n > maxStateHeader {
		return nil, fmt.Errorf("header length %d", n)
	}
	hb, err := io.ReadAll(io.LimitReader(r, int64(n))) // grows as the header arrives
	if err != nil || uint64(len(hb)) != n {
		return nil, fmt.Errorf("truncated header: %d of %d bytes (%v)", len(hb), n, err)
	}
	var h stateHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	if err := new(rand.PCG).UnmarshalBinary(h.RNG); err != nil {
		return nil, fmt.Errorf("random generator: %v", err)
	}
	cfg, err := h.Config.withDefaults()
	if err != nil || cfg != h.Config {
		return nil, fmt.Errorf("configuration %+v is not one Run would use (%v)", h.Config, err)
	}
	if h.CheckpointBytes < 0 {
		return nil, fmt.Errorf("checkpoint length %d", h.CheckpointBytes)
	}
	net, err := models.Decode(io.LimitReader(r, h.CheckpointBytes))
	if err != nil {
		return nil, err
	}
	st := &State{Net: net, Config: h.Config, History: h.History, rng: h.RNG, opt: optimizerState{Steps: h.Steps}}
	if st.opt.Buffers, err = readBuffers(r, h.Buffers, net.NumParams()); err != nil {
		return nil, err
	}
	if k, _ := io.ReadFull(r, make([]byte, 1)); k != 0 {
		return nil, errors.New("trailing data after the optimizer's buffers")
	}
	for i, e := range st.History {
		if e.Epoch != i+1 {
			return nil, fmt.Errorf("history entry %d is epoch %d", i+1, e.Epoch)
		}
	}
	return st, nil
}

// readBuffers reads the optimizer buffers of the lengths lens; no buffer may hold more values
// than the net has parameters.
func readBuffers(r io.Reader, lens [][]int, params int) ([][][]float32, error) {
	if len(lens) > 2 {
		return nil, fmt.Errorf("%d optimizer buffers, want at most 2", len(lens))
	}
	var out [][][]float32
	for b, ls := range lens {
		total := 0
		for _, l := range ls {
			if l < 0 || total+l > params {
				return nil, fmt.Errorf("optimizer buffer %d holds more values than the net's %d parameters", b, params)
			}
			total += l
		}
		raw := make([]byte, 4*total)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("optimizer buffer %d: truncated: %v", b, err)
		}
		buf := make([][]float32, len(ls))
		for j, l := range ls {
			buf[j] = make([]float32, l)
			for i := range buf[j] {
				buf[j][i] = math.Float32frombits(binary.LittleEndian.Uint32(raw))
				raw = raw[4:]
			}
		}
		out = append(out, buf)
	}
	return out, nil
}
