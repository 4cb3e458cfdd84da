package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"ipcsim/explore"
	"ipcsim/sim"
)

// An exploration split in shards (--shard=i/n) runs on n machines; each
// writes what it found to a file (--report=FILE.json), and "ipcsim
// explore merge FILE.json..." puts the files together and prints what
// one machine running the whole exploration prints (but the rate line).
// A report holds everything that printing needs, so that merge needs
// neither the scenario nor a run: the settings (to refuse reports of
// different explorations), the schedules run, and each failure's block
// of text as the shard printed it (its explanation needs a run).

// reportFormat names the format of a report file, and its version.
const reportFormat = "ipcsim-explore-report/1"

// exploreReport is what ipcsim explore prints, as --report writes it.
type exploreReport struct {
	Format   string          `json:"format"`
	Build    string          `json:"build"`    // explore.Build() of the ipcsim that ran
	Scenario string          `json:"scenario"` // the scenario's fingerprint
	File     string          `json:"file"`     // the scenario file as the command line named it
	Settings exploreSettings `json:"settings"`
	Shard    int             `json:"shard"`
	Shards   int             `json:"shards"`
	// What the exploration learned and counted (explore.Report).
	K               uint64        `json:"k"`
	PBK             uint64        `json:"pb_k"`
	PBW             int           `json:"pb_w"`
	PBSpace         uint64        `json:"pb_space"`
	Exhausted       bool          `json:"pb_exhausted"`
	FaultCandidates int           `json:"fault_candidates"`
	Executions      int           `json:"dpor_executions"`
	SleepBlocked    int           `json:"dpor_sleep_blocked"`
	Complete        bool          `json:"dpor_complete"`
	Runs            []explore.Ran `json:"runs"`
	// Failures are the failing schedules in order, each with the block
	// that explore prints for it.
	Failures []failureBlock `json:"failures"`
	// Asserts are the scenario's assertions (for the sometimes lines).
	Asserts []assertLine `json:"asserts"`
}

// exploreSettings are the flags that choose the schedules and what is
// checked: two reports merge only if theirs are equal.
type exploreSettings struct {
	Strategy  string  `json:"strategy"`
	Depth     int     `json:"depth"`
	P         float64 `json:"p"`
	Schedules int     `json:"schedules"`
	Seed      uint64  `json:"seed"`
	All       bool    `json:"all"`
	NoShrink  bool    `json:"no_shrink"`
	Faults    bool    `json:"faults"`
	Limit     int     `json:"limit"`
	Check     bool    `json:"check"`
}

// failureBlock is one failing schedule and what explore printed for it.
type failureBlock struct {
	Schedule int    `json:"schedule"`
	Text     string `json:"text"`
}

// assertLine is an assertion of the scenario, as the sometimes lines
// print it.
type assertLine struct {
	Pos  sim.Pos        `json:"pos"`
	Text string         `json:"text"`
	Kind sim.AssertKind `json:"kind"`
}

// newExploreReport puts together what explore prints for rep, the report
// of the exploration cfg of the scenario s in file path; runCmd is the
// command its replay lines name ("ipcsim run", "ipcsim run --check").
func newExploreReport(s *sim.Scenario, path, runCmd string, cfg explore.Config, check bool, rep *explore.Report) *exploreReport {
	r := &exploreReport{
		Format: reportFormat, Build: cfg.Build, Scenario: s.Fingerprint(), File: path,
		Settings: exploreSettings{Strategy: cfg.Strategy, Depth: cfg.Depth, P: cfg.P, Schedules: cfg.Schedules,
			Seed: cfg.Seed, All: cfg.All, NoShrink: cfg.NoShrink, Faults: cfg.Faults, Limit: cfg.Limit, Check: check},
		Shard: cfg.Shard, Shards: cfg.Shards,
		K: rep.K, PBK: rep.PBK, PBW: rep.PBW, PBSpace: rep.PBSpace, Exhausted: rep.Exhausted,
		FaultCandidates: rep.FaultCandidates, Executions: rep.Executions, SleepBlocked: rep.SleepBlocked,
		Complete: rep.Complete, Runs: rep.Runs,
	}
	for _, f := range rep.Failures {
		r.Failures = append(r.Failures, failureBlock{f.Schedule, failureText(s, f, path, runCmd)})
	}
	for _, a := range s.Asserts {
		r.Asserts = append(r.Asserts, assertLine{a.Pos, a.Text, a.Kind})
	}
	return r
}

// failureText is the block explore prints for a failing schedule: what
// broke, the replay token, the shrunk one, and why if it lost an update
// or deadlocked.
func failureText(s *sim.Scenario, f explore.Failure, path, runCmd string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- FAIL: schedule %d of %s\n", f.Schedule, path)
	for _, m := range f.Mismatches {
		fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(strings.TrimRight(m.String(), "\n"), "\n", "\n    "))
	}
	fmt.Fprintf(&b, "    replay: %s --replay %s %s\n", runCmd, f.Token, path)
	if f.Shrunk != nil {
		fmt.Fprintf(&b, "    shrunk %s: %s --replay %s %s\n", shrunkFrom(f), runCmd, f.Shrunk, path)
	}
	tok := f.Token
	if f.Shrunk != nil {
		tok = *f.Shrunk
	}
	if why, err := explore.Explain(s, tok); err == nil && len(why) > 0 {
		fmt.Fprintf(&b, "    why: a lost update (the schedule again, every instruction traced):\n")
		for _, l := range why {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	if why, err := explore.ExplainDeadlock(s, tok); err == nil && len(why) > 0 {
		fmt.Fprintf(&b, "    why: a deadlock (the schedule again: each blocked task and what it waits on, as %s prints it):\n", runCmd)
		for _, l := range why {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	return b.String()
}

// report returns the explore.Report that r was made from, but for the
// failures, which have only their schedule numbers (all Merge needs).
func (r *exploreReport) report() *explore.Report {
	rep := &explore.Report{K: r.K, PBK: r.PBK, PBW: r.PBW, PBSpace: r.PBSpace, Exhausted: r.Exhausted,
		FaultCandidates: r.FaultCandidates, Executions: r.Executions, SleepBlocked: r.SleepBlocked,
		Complete: r.Complete, Runs: r.Runs, Schedules: len(r.Runs)}
	for _, f := range r.Failures {
		rep.Failures = append(rep.Failures, explore.Failure{Schedule: f.Schedule})
	}
	for _, ran := range r.Runs {
		rep.Instructions += ran.Instructions
	}
	return rep
}

// print writes what explore prints for the report, but the rate line: the
// failures, the sometimes lines and the summary. It reports whether the
// exploration failed (a failing schedule, or a sometimes assertion that
// no schedule saw, which a shard does not judge).
func (r *exploreReport) print(w io.Writer) bool {
	for _, f := range r.Failures {
		io.WriteString(w, f.Text)
	}
	s := &sim.Scenario{}
	for _, a := range r.Asserts {
		s.Asserts = append(s.Asserts, sim.Assertion{Pos: a.Pos, Text: a.Text, Kind: a.Kind})
	}
	rep := r.report()
	unseen := exploreSometimes(w, s, rep, r.Shards > 1, r.File)
	cfg := explore.Config{Strategy: r.Settings.Strategy, Depth: r.Settings.Depth, P: r.Settings.P,
		Seed: r.Settings.Seed, All: r.Settings.All, Faults: r.Settings.Faults, Limit: r.Settings.Limit,
		Shard: r.Shard, Shards: r.Shards}
	if cfg.Strategy == "dpor" {
		dporSummary(w, cfg, rep)
	} else {
		summary(w, cfg, rep)
	}
	return len(r.Failures) > 0 || unseen
}

// write writes the report to the file path as indented JSON.
func (r *exploreReport) write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// cmdExploreMerge is "ipcsim explore merge FILE.json...": it reads the
// reports of the shards 0/n..n-1/n of one exploration and prints what the
// exploration run whole prints, but the rate line. Exit status: 0 if no
// schedule failed, 1 if one did, 2 if the reports are not the n shards of
// one exploration (or cannot be read).
func cmdExploreMerge(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "ipcsim explore merge: expected the report files of the shards (ipcsim explore --shard=i/n --report=FILE.json)\n")
		return exitBadInput
	}
	var reps []*exploreReport
	for _, path := range args {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim explore merge: %v\n", err)
			return exitBadInput
		}
		r := &exploreReport{}
		if err := json.Unmarshal(b, r); err != nil || r.Format != reportFormat {
			fmt.Fprintf(stderr, "ipcsim explore merge: %s: not a report of ipcsim explore --report (format %s)\n", path, reportFormat)
			return exitBadInput
		}
		reps = append(reps, r)
	}
	merged, err := mergeReports(args, reps)
	if err != nil {
		fmt.Fprintf(stderr, "ipcsim explore merge: %v\n", err)
		return exitBadInput
	}
	if merged.print(stdout) {
		return exitFailed
	}
	return exitOK
}

// mergeReports checks that reps (read from the files paths) are the
// shards 0..n-1 of one exploration, each once, and returns the report of
// the exploration run whole (explore.Merge).
func mergeReports(paths []string, reps []*exploreReport) (*exploreReport, error) {
	r0 := reps[0]
	if r0.Shards < 1 {
		return nil, fmt.Errorf("%s: shard %d/%d: expected 0 <= i < n", paths[0], r0.Shard, r0.Shards)
	}
	have := make([]string, r0.Shards) // the file of each shard
	for i, r := range reps {
		switch {
		case r.Build != r0.Build:
			return nil, fmt.Errorf("%s and %s come from different builds of ipcsim (%s, %s): run every shard with the same build", paths[0], paths[i], r0.Build, r.Build)
		case r.Scenario != r0.Scenario || r.File != r0.File:
			return nil, fmt.Errorf("%s and %s are of different scenarios (%s %s, %s %s)", paths[0], paths[i], r0.File, r0.Scenario, r.File, r.Scenario)
		case r.Settings != r0.Settings:
			return nil, fmt.Errorf("%s and %s are of explorations with different settings (%+v, %+v)", paths[0], paths[i], r0.Settings, r.Settings)
		case r.Shards != r0.Shards || r.Shard < 0 || r.Shard >= r.Shards:
			return nil, fmt.Errorf("%s is shard %d/%d, %s shard %d/%d: the shards of one exploration have the same n", paths[0], r0.Shard, r0.Shards, paths[i], r.Shard, r.Shards)
		case have[r.Shard] != "":
			return nil, fmt.Errorf("%s and %s are both shard %d/%d", have[r.Shard], paths[i], r.Shard, r.Shards)
		}
		have[r.Shard] = paths[i]
	}
	if i := slices.Index(have, ""); i >= 0 {
		var missing []string
		for j, p := range have {
			if p == "" {
				missing = append(missing, fmt.Sprintf("%d/%d", j, r0.Shards))
			}
		}
		return nil, fmt.Errorf("shards missing: %s (every shard 0/%d to %d/%d is needed)", strings.Join(missing, ", "), r0.Shards, r0.Shards-1, r0.Shards)
	}
	if len(reps) == 1 {
		return r0, nil // the whole (a dpor search is always whole)
	}
	// explore.Merge on the counts and schedule numbers; the failures'
	// blocks follow their schedules.
	text := map[int]string{} // schedule -> its block (looked up only)
	var parts []*explore.Report
	for _, r := range reps {
		parts = append(parts, r.report())
		for _, f := range r.Failures {
			text[f.Schedule] = f.Text
		}
	}
	m := explore.Merge(r0.Settings.All, parts...)
	out := *r0
	out.Shard, out.Shards = 0, 1
	out.Runs = m.Runs
	out.Failures = nil
	for _, f := range m.Failures {
		out.Failures = append(out.Failures, failureBlock{f.Schedule, text[f.Schedule]})
	}
	return &out, nil
}
