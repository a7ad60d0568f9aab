// Package storetest runs throwaway PostgreSQL servers from the Debian
// postgresql package for tests that must exercise the real back end, and hands
// out fresh databases and SQLite files so one suite runs against both.
package storetest
