package sim

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCourseTable: the course table of testdata/scenarios/README.md names
// scenarios that exist (each runs in TestScenarios), and at least 15
// lessons.
func TestCourseTable(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/README.md")
	require.NoError(t, err)
	lessons := regexp.MustCompile(`(?m)^\| \d+ \|`).FindAll(data, -1)
	require.GreaterOrEqual(t, len(lessons), 15)
	for _, m := range regexp.MustCompile(`[a-z0-9_]+\.txtar`).FindAll(data, -1) {
		_, err := os.Stat("../testdata/scenarios/" + string(m))
		require.NoError(t, err, "the course names %s", m)
	}
}
