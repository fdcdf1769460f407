package models_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/surfscope/surfscope/models"
)

// Save a ResNet-8 with gated shortcuts and load it back.
func ExampleSave() {
	net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{3, 32, 32}, Classes: 10, Shortcut: models.ShortcutGate}, 1)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "surfscope")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "resnet8.safetensors")
	if err := models.Save(path, net); err != nil {
		log.Fatal(err)
	}
	back, err := models.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Arch["arch"], back.Arch["depth"], back.Arch["shortcut"], back.NumParams() == net.NumParams())
	// Output: resnet 8 gate true
}
