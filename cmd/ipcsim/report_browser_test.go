package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// reportScreenshot is the picture of a report that the README shows;
// go test ./cmd/ipcsim -run TestReportInBrowser -update rewrites it.
const reportScreenshot = "../../docs/report.png"

// TestReportInBrowser opens the report of a pipe between a parent and its
// child in headless Chromium: the page runs without a console error or an
// exception, draws a track per process and their slices, and a click on
// the child's blocked slice shows the kernel's state at the latest kept
// cycle at or before the clicked one, as ipcsim inspect prints it.
//
// Without Chromium it is skipped, unless CI is set (.ci/run installs it).
func TestReportInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s in CI: .ci/run installs Debian's chromium package", chromiumPath)
		}
		t.Skipf("no %s: apt-get install chromium to run this test", chromiumPath)
	}
	const scenario = "../../testdata/scenarios/pipe_parent_child.txtar"
	page := filepath.Join(t.TempDir(), "report.html")
	if st, _, stderr := run(t, "report", scenario, "-o", page); st != exitOK || stderr != "" {
		t.Fatalf("ipcsim report: status %d, stderr %q", st, stderr)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 760),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var mu sync.Mutex
	var problems []string
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text+exceptionText(ev.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				problems = append(problems, fmt.Sprintf("console.%s: %v", ev.Type, ev.Args))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}))
	defer cancelTab()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1200, 760),
		chromedp.Navigate("file://"+abs),
		chromedp.WaitVisible("#timelinesvg"),
	); err != nil {
		t.Fatal(err)
	}
	eval := func(expr string, v any) {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if err := json.Unmarshal(r, v); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}

	var counts struct{ Slices, Blocked, Labels, Flows int }
	eval(`({slices: document.querySelectorAll("#slices rect.slice").length,
		blocked: document.querySelectorAll("#slices rect.slice.blocked").length,
		labels: document.querySelectorAll("#labels div:not(.axis)").length,
		flows: document.querySelectorAll("#flows path.flow").length})`, &counts)
	if counts.Slices == 0 || counts.Blocked == 0 || counts.Flows == 0 {
		t.Errorf("the timeline draws %+v: want slices, blocked ones and arrows", counts)
	}
	var tracks []string
	eval(`Array.from(document.querySelectorAll("#labels div:not(.axis)"), d => d.textContent)`, &tracks)
	for _, want := range []string{"pid 1 (init)", "pid 2 (parent)", "pid 3 (parent)"} {
		if !slices.Contains(tracks, want) {
			t.Errorf("tracks %q: no %q", tracks, want)
		}
	}

	// Click the middle of the child's longest blocked slice: its read of
	// the empty pipe.
	var target struct {
		X, Y float64
		From uint64
	}
	eval(`(() => {
		const rows = Array.from(document.querySelectorAll("#labels div:not(.axis)"), d => d.textContent);
		const D = JSON.parse(document.getElementById("data").textContent);
		const child = rows.indexOf("pid 3 (parent)");
		let best = null;
		for (const s of D.slices) if (s[0] === child && s[1] === 2 && (!best || s[3]-s[2] > best[3]-best[2])) best = s;
		const r = Array.from(document.querySelectorAll("#slices rect.slice.blocked")).find(e => +e.dataset.from === best[2]).getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2, from: best[2]};
	})()`, &target)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(target.X, target.Y)); err != nil {
		t.Fatal(err)
	}
	var shown struct {
		Info, State string
		Snapshots   [][2]uint64
	}
	eval(`({info: document.getElementById("stateinfo").textContent,
		state: document.getElementById("state").textContent,
		snapshots: JSON.parse(document.getElementById("data").textContent).snapshots})`, &shown)
	var clicked, at uint64
	if _, err := fmt.Sscanf(shown.Info, "Clicked cycle %d; showing the state at cycle %d", &clicked, &at); err != nil {
		t.Fatalf("state info %q: %v", shown.Info, err)
	}
	if clicked <= target.From {
		t.Errorf("clicked cycle %d, not inside the blocked slice from cycle %d", clicked, target.From)
	}
	var want uint64
	for _, s := range shown.Snapshots {
		if s[0] <= clicked {
			want = s[0]
		}
	}
	if at != want || want == 0 {
		t.Errorf("clicked cycle %d shows the state at cycle %d; want %d, the latest kept at or before it", clicked, at, want)
	}
	st, inspect, stderr := run(t, "inspect", fmt.Sprintf("--at=%d", at), scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("ipcsim inspect: status %d, stderr %q", st, stderr)
	}
	if shown.State != inspect {
		t.Errorf("the state pane differs from ipcsim inspect --at=%d:\n--- pane\n%s\n--- inspect\n%s", at, shown.State, inspect)
	}
	if !strings.Contains(shown.State, "pipe#1") || !strings.Contains(shown.State, "sleeping") {
		t.Errorf("the state at cycle %d shows no sleeping reader of pipe#1:\n%s", at, shown.State)
	}

	// Zoom in around the click: the axis no longer starts at cycle 0,
	// and the blocked slice is still drawn.
	if err := chromedp.Do(ctx, chromedp.Click("#zoomin")); err != nil {
		t.Fatal(err)
	}
	var zoomed struct {
		First   string
		Blocked int
	}
	eval(`({first: document.querySelector(".tick text").textContent,
		blocked: document.querySelectorAll("#slices rect.slice.blocked").length})`, &zoomed)
	if zoomed.First == "0" || zoomed.Blocked == 0 {
		t.Errorf("zoomed in: the axis starts at %s, %d blocked slices drawn", zoomed.First, zoomed.Blocked)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#zoomfit")); err != nil {
		t.Fatal(err)
	}

	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		t.Errorf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	if *update {
		if err := os.WriteFile(reportScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("in the browser: %s", p)
	}
}

// exceptionText is what an exception's details say beyond their text.
func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return ": " + d.Exception.Description
	}
	return ""
}
