package asm

import "flag"

var update = flag.Bool("update", false, "rewrite the golden files of testdata/asm")
