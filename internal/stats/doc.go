// Package stats holds the small statistics the evaluations share.
package stats
