// Package portfolio reads a debtor portfolio as agencies deliver it: a CSV in
// UTF-8 or CP1251, `;` or `,` separated, with Russian or English headers and
// phones spelled any usual way. It rejects bad rows with their line number and
// reason and merges rows of the same debtor (contract number, else name and
// birth date).
//
// It is its own package because the file format and the merge rules are
// independent of dialing: the CLI, the API and the scheduler all consume its
// []Debtor, and none of them needs to know how a spreadsheet was spelled.
package portfolio
