package sim

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCourseTable: the course table of testdata/scenarios/README.md names
// scenarios that exist (each runs in TestScenarios), at least 15
// lessons, and as many as the main README says.
func TestCourseTable(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/README.md")
	require.NoError(t, err)
	lessons := regexp.MustCompile(`(?m)^\| \d+ \|`).FindAll(data, -1)
	require.GreaterOrEqual(t, len(lessons), 15)
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	said := regexp.MustCompile(`a tour of (\d+) lessons`).FindSubmatch(readme)
	require.NotNil(t, said, "README.md says how many lessons the course has")
	require.Equal(t, string(said[1]), strconv.Itoa(len(lessons)), "README.md's count of lessons")
	for _, m := range regexp.MustCompile(`[a-z0-9_]+\.txtar`).FindAll(data, -1) {
		_, err := os.Stat("../testdata/scenarios/" + string(m))
		require.NoError(t, err, "the course names %s", m)
	}
}
