// Package idlist reads lists of image indices as the command line writes them: "0-15,20" names
// images 0 to 15 and 20 (ranges inclusive, 0-based positions in a dataset split).
package idlist
