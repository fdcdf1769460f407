package dataset

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Class names of the data sets this package knows. CIFAR folders usually carry their own
// (batches.meta.txt, fine_label_names.txt); these are used when they do not.
var (
	// DigitNames names the MNIST classes.
	DigitNames = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	// FashionNames names the Fashion-MNIST classes (Xiao, Rasul, Vollgraf 2017).
	FashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
		"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	// CIFAR10Names names the CIFAR-10 classes, as in batches.meta.txt.
	CIFAR10Names = []string{"airplane", "automobile", "bird", "cat", "deer",
		"dog", "frog", "horse", "ship", "truck"}
	// CIFAR100Names names the CIFAR-100 fine classes, as in fine_label_names.txt (alphabetical).
	CIFAR100Names = []string{
		"apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
		"bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
		"chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
		"dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
		"lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
		"mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
		"plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
		"rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
		"squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
		"train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
	}
)

// readClassNames reads a file of one class name per line (blank lines ignored) from fsys. It returns
// fallback if the file does not exist, and an error if it exists with a number of names other than
// len(fallback). display is the file's name for errors.
func readClassNames(fsys fs.FS, file, display string, fallback []string) ([]string, error) {
	if _, err := fs.Lstat(fsys, file); isNotExist(err) {
		return slices.Clone(fallback), nil
	}
	if _, err := checkInputFile(fsys, file, display); err != nil {
		return nil, err
	}
	data, err := readSmallFile(fsys, file, display)
	if err != nil {
		if strings.HasPrefix(err.Error(), "dataset: ") {
			return nil, err
		}
		return nil, fmt.Errorf("dataset: %s: %w", display, err)
	}
	var names []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" {
			names = append(names, line)
		}
	}
	if len(names) != len(fallback) {
		return nil, fmt.Errorf("dataset: %s: %d class names, want %d", display, len(names), len(fallback))
	}
	return names, nil
}
