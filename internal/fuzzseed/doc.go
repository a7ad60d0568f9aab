// Package fuzzseed seeds native Go fuzz targets with the repository's real
// example files (bundled scripts, testdata), so every target starts from
// input the product actually reads. It is a test helper: only _test.go files
// import it.
package fuzzseed
