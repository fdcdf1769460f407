package models

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MetaFit is the Net.Meta key under which the FitRecord is stored, as a JSON object.
const MetaFit = "fit"

// FitRecord says whether a trained net fits its training set — classifies every training image as
// labelled — measured on the clean training images (no augmentation, batch norm on its running
// statistics) after the last epoch trained. models/train stores it after every epoch, so a
// checkpoint of a run stopped at its epoch cap, or interrupted, says so.
type FitRecord struct {
	Fits          bool    `json:"fits"`
	TrainAccuracy float64 `json:"train_accuracy"` // share of the training images classified as labelled
	Misclassified int     `json:"misclassified"`  // training images not classified as labelled
	Images        int     `json:"images"`         // training images
	Epochs        int     `json:"epochs"`         // epochs trained
}

// NewFitRecord is the record of a net that classifies the share acc of its images training
// images correctly after epochs epochs.
func NewFitRecord(acc float64, images, epochs int) FitRecord {
	wrong := int(math.Round((1 - acc) * float64(images)))
	return FitRecord{Fits: wrong == 0 && acc == 1, TrainAccuracy: acc, Misclassified: wrong, Images: images, Epochs: epochs}
}

// SetFit stores r in n.Meta[MetaFit].
func (n *Net) SetFit(r FitRecord) {
	b, err := json.Marshal(r)
	if err != nil {
		panic("models: " + err.Error()) // numbers and a bool always marshal
	}
	if n.Meta == nil {
		n.Meta = map[string]string{}
	}
	n.Meta[MetaFit] = string(b)
}

// Fit returns the record of whether n fits its training set. ok is false, with no error, for a net
// without one (imported, built untrained, or trained before records existed); a record that is not
// valid JSON is an error.
func (n *Net) Fit() (r FitRecord, ok bool, err error) {
	s, has := n.Meta[MetaFit]
	if !has {
		return FitRecord{}, false, nil
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return FitRecord{}, false, fmt.Errorf("models: fit record %q: %v", s, err)
	}
	return r, true, nil
}

// String says "yes" or "no (99.92%)": the training accuracy with as many decimals as it takes not
// to round an unfitted net up to 100%.
func (r FitRecord) String() string {
	if r.Fits {
		return "yes"
	}
	return "no (" + Percent(r.TrainAccuracy) + ")"
}

// Percent formats a share below 1 as a percentage with two decimals, or more where two would
// round it to 100% ("99.998%").
func Percent(share float64) string {
	for d := 2; d < 8; d++ {
		s := strconv.FormatFloat(100*share, 'f', d, 64)
		if share >= 1 || s != "100."+strings.Repeat("0", d) {
			return s + "%"
		}
	}
	return strconv.FormatFloat(100*share, 'g', -1, 64) + "%"
}
