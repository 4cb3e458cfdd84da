package asm

import "ipcsim/internal/golden"

var update = golden.Update // go test ./... -update
