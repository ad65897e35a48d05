// Command sfapplint lints and troubleshoots Salesforce OAuth app metadata:
// External Client Apps, Connected Apps, and the profiles and permission sets
// that grant API access.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], SystemStreams()))
}
