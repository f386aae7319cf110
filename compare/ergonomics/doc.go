// Package ergonomics is the API-ergonomics study: the same five jobs written with each
// library's own API, measured from their source, each adapter's glue, and a feature matrix
// whose every "yes" is checked against the library's source.
//
// The examples live in package examples as Example_<library>_<job> functions, one file per
// library; readExamples (source.go) is where that naming rule is read and enforced. The
// adapters are found through package pools' executor table, which names each adapter's file
// and type; nothing is inferred from the shape of pools' code.
package ergonomics
