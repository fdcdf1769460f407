package models

import (
	"encoding/json"
	"fmt"
)

// MetaTrainedOn is the Net.Meta key under which the TrainingRecord is stored, as a JSON object.
const MetaTrainedOn = "trained_on"

// TrainingRecord says what a net was trained on: the data, how much of it, and how it was drawn.
// models/train stores it in the net's metadata (and so in its checkpoint); TrainedOn reads it back.
// Checkpoints written before it existed have none.
type TrainingRecord struct {
	Data   string  `json:"data"`   // the dataset as it was opened: mnist, fashion, cifar10, cifar100, sample or a folder
	Split  string  `json:"split"`  // the split trained on
	Images int     `json:"images"` // the first Images images of the split (fewer than all when train --limit cut it)
	Seed   int64   `json:"seed"`   // seed of the weights' initialisation order and the batch order
	Flip   bool    `json:"flip"`   // horizontal-flip augmentation
	Mixup  float64 `json:"mixup"`  // mixup with Beta(Mixup, Mixup) weights; 0 means none
}

// SetTrainedOn stores r in n.Meta[MetaTrainedOn].
func (n *Net) SetTrainedOn(r TrainingRecord) {
	b, err := json.Marshal(r)
	if err != nil {
		panic("models: " + err.Error()) // a struct of strings and numbers always marshals
	}
	if n.Meta == nil {
		n.Meta = map[string]string{}
	}
	n.Meta[MetaTrainedOn] = string(b)
}

// TrainedOn returns the record of what n was trained on. ok is false, with no error, for a net
// without one (imported, built untrained, or saved before records existed); a record that is not
// valid JSON is an error.
func (n *Net) TrainedOn() (r TrainingRecord, ok bool, err error) {
	s, has := n.Meta[MetaTrainedOn]
	if !has {
		return TrainingRecord{}, false, nil
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return TrainingRecord{}, false, fmt.Errorf("models: training record %q: %v", s, err)
	}
	return r, true, nil
}
