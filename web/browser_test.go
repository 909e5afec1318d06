package web

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/psd-tools/exposure/store"
)

// chromiumPath is Debian's Chromium, which .ci/run installs; CHROMIUM
// overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser starts a headless Chromium with a fresh profile and returns a
// tab context, and a counter of JavaScript dialogs (alert, confirm,
// prompt) the tab opened. Without Chromium the test is skipped, except in
// CI, where it fails: the browser tests must run there.
func browser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("browser test skipped in -short mode (it always runs in CI)")
	}
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium not found at %s and CI is set: the browser tests must run in CI (.ci/run installs it)", path)
		}
		t.Skipf("Chromium not found at %s: browser tests skipped (apt-get install chromium, or set CHROMIUM)", path)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// Start the browser on a context without a deadline (a deadline on the
	// first run would bound the browser's whole life), then bound the test.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	var dialogs atomic.Int32
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range events {
			if err != nil {
				return
			}
			dialogs.Add(1)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return tctx, &dialogs
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func (e *env) browserLogin(t *testing.T, ctx context.Context, user, next string) {
	t.Helper()
	do(t, ctx, "sign in",
		chromedp.Navigate(e.ts.URL+next),
		chromedp.WaitVisible(css(`input[name=user]`)),
		chromedp.SendKeys(css(`input[name=user]`), user),
		chromedp.SendKeys(css(`input[name=password]`), pw),
		chromedp.Click(css(`.login button[type=submit]`)),
		chromedp.WaitVisible(css(`form.logout`)),
	)
}

// waitFlash waits for the one-time message after a form post: the page
// before the post may still show the previous one, so it polls.
func waitFlash(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('p.flash') || {}).textContent || ""`))
		if err == nil {
			if got = v; strings.Contains(got, want) {
				return
			}
		}
	}
	t.Fatalf("message %q, want %q", got, want)
}

// waitURL waits until the page's address contains want.
func waitURL(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var loc string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if l, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			if loc = l; strings.Contains(loc, want) {
				do(t, ctx, "page ready", chromedp.WaitVisible(css(`main`)))
				return
			}
		}
	}
	t.Fatalf("address %s, want %q in it", loc, want)
}

// download clicks a button that downloads a file and returns the file.
func download(t *testing.T, ctx context.Context, button string) []byte {
	t.Helper()
	dir := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	do(t, ctx, "click "+button, chromedp.Click(css(button)))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case cdpbrowser.DownloadProgressStateCanceled:
			t.Fatal("download canceled")
		}
	}
	t.Fatal("download did not finish")
	return nil
}

func TestBrowserReviewFlow(t *testing.T) {
	ctx, dialogs := browser(t)
	e := newEnv(t, Options{Export: testExport(t)})
	e.browserLogin(t, ctx, "rita", "/queue")
	// The detector must be able to fail: a dialog opened on purpose (through
	// the debugger, which the CSP does not govern) is counted.
	eval[chromedp.Void](t, ctx, `setTimeout(() => alert("probe"), 0)`)
	for i := 0; dialogs.Load() == 0 && i < 100; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if dialogs.Load() != 1 {
		t.Fatalf("dialog detector saw %d dialogs, want 1", dialogs.Load())
	}
	dialogs.Store(0)

	// Filter the queue by force.
	do(t, ctx, "filter",
		chromedp.SetValue(css(`select[name=force]`), "Kent Police"),
		chromedp.Click(css(`#filters button[type=submit]`)),
		chromedp.WaitVisible(css(`#count`)),
	)
	waitURL(t, ctx, "force=Kent+Police")
	n := eval[int](t, ctx, `document.querySelectorAll('#queue > li.qitem').length`)
	if count := text(t, ctx, `#count`); n != 2 || !strings.Contains(count, "2 flag(s)") {
		t.Fatalf("filtered queue: %d items, %q", n, count)
	}
	current := func() string {
		return eval[string](t, ctx, `document.querySelector('#queue > li.current a.open').textContent`)
	}

	// j and k move the selection.
	do(t, ctx, "j", chromedp.KeyEvent("j"))
	if cur := current(); cur != "twitter/101" {
		t.Fatalf("after j the current flag is %q", cur)
	}
	do(t, ctx, "k", chromedp.KeyEvent("k"))
	if cur := current(); cur != "twitter/100" {
		t.Fatalf("after k the current flag is %q", cur)
	}

	// c confirms the current flag; the page comes back on the next one.
	do(t, ctx, "confirm with c", chromedp.KeyEvent("c"))
	waitFlash(t, ctx, "Confirmed twitter/100")
	if f := e.flag("twitter", "100"); f.State != store.FlagConfirmed {
		t.Fatalf("twitter/100 is %s", f.State)
	}
	if cur := current(); cur != "twitter/101" {
		t.Fatalf("after confirming, the current flag is %q", cur)
	}

	// d opens the reason; Enter dismisses.
	do(t, ctx, "dismiss with d",
		chromedp.KeyEvent("d"),
		chromedp.KeyEvent("Quoting in order to condemn"),
		chromedp.KeyEvent("\r"))
	waitFlash(t, ctx, "Dismissed twitter/101")
	if f := e.flag("twitter", "101"); f.State != store.FlagDismissed {
		t.Fatalf("twitter/101 is %s", f.State)
	}
	hist, _ := e.db.Reviews("twitter", "101")
	if len(hist) != 1 || hist[0].Reviewer != "rita" || hist[0].Reason != "Quoting in order to condemn" {
		t.Fatalf("review history: %+v", hist)
	}

	// Build a referral for Kent Police from the confirmed flag.
	do(t, ctx, "referral builder",
		chromedp.Navigate(e.ts.URL+"/referrals"),
		chromedp.Click(css(`#forces a`)),
		chromedp.WaitVisible(css(`#new-referral`)),
		chromedp.SendKeys(css(`input[name=authority]`), "PSD-2026-17"),
		chromedp.Click(css(`#new-referral button[type=submit]`)),
		chromedp.WaitVisible(css(`#referral-posts`)),
	)
	waitFlash(t, ctx, "created with 1 post(s)")
	id := strings.TrimPrefix(text(t, ctx, `h1`), "Referral ")
	ref, err := e.db.Referral(id)
	if err != nil || ref.Force != "Kent Police" || ref.CreatedBy != "rita" || ref.Authority != "PSD-2026-17" || len(ref.Posts) != 1 {
		t.Fatalf("referral %q: %+v %v", id, ref, err)
	}

	// An admin downloads the referral's export pack, and it verifies.
	do(t, ctx, "sign out", chromedp.Click(css(`form.logout button`)), chromedp.WaitVisible(css(`input[name=user]`)))
	e.browserLogin(t, ctx, "adam", "/referrals/"+id)
	zipBytes := download(t, ctx, `#pack button`)
	verifyPack(t, zipBytes, e.srv.opt.Export.Key.Public().(ed25519.PublicKey))

	// Rechecks of the referred post draw the survival curve.
	err = e.db.AddChecks("recheck", []store.NewCheck{
		{Check: store.Check{Platform: "twitter", PostID: "100", At: ref.Created.Add(20 * 24 * time.Hour), State: "visible"}},
		{Check: store.Check{Platform: "twitter", PostID: "100", At: ref.Created.Add(50 * 24 * time.Hour), State: "removed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/report", "/"} {
		do(t, ctx, "open "+path, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(css(`#survival svg`)))
		w := eval[float64](t, ctx, `document.querySelector('#survival svg').getBoundingClientRect().width`)
		curve := eval[float64](t, ctx, `document.querySelector('#survival svg path.curve').getTotalLength()`)
		stroke := eval[string](t, ctx, `getComputedStyle(document.querySelector('#survival svg path.curve')).fill`)
		if w < 300 || curve <= 0 || stroke != "none" {
			t.Fatalf("%s: chart %.0f px wide, curve length %.0f, fill %q (the stylesheet should style it)", path, w, curve, stroke)
		}
	}

	// The hostile post is inert text on its page and in the queue.
	for _, path := range []string{"/post/twitter/102", "/queue?state=all"} {
		do(t, ctx, "open "+path, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(css(`.post-text`)))
		if n := eval[int](t, ctx, `document.querySelectorAll('main img, main script').length`); n != 0 {
			t.Fatalf("%s: %d img/script elements made from post text", path, n)
		}
	}
	do(t, ctx, "open the hostile post", chromedp.Navigate(e.ts.URL+"/post/twitter/102"), chromedp.WaitVisible(css(`#post-text`)))
	if got := eval[string](t, ctx, `document.getElementById('post-text').textContent`); got != hostile {
		t.Fatalf("post text shows as %q, want it verbatim", got)
	}
	time.Sleep(300 * time.Millisecond) // time for a broken page to fire onerror
	if n := dialogs.Load(); n != 0 {
		t.Fatalf("%d JavaScript dialog(s) opened", n)
	}
}

// TestBrowserWithoutJavaScript reads and decides with scripts disabled:
// the keyboard layer is an extra, not a requirement.
func TestBrowserWithoutJavaScript(t *testing.T) {
	ctx, _ := browser(t)
	e := newEnv(t, Options{})
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	e.browserLogin(t, ctx, "rita", "/queue?platform=html")
	do(t, ctx, "queue without JS", chromedp.WaitVisible(css(`#queue`)))
	if n := eval[int](t, ctx, `document.querySelectorAll('#queue > li.qitem').length`); n != 1 {
		t.Fatalf("html-platform queue: %d items", n)
	}
	do(t, ctx, "confirm by button", chromedp.Click(css(`#queue form.decide button[value=confirm]`)))
	waitFlash(t, ctx, "Confirmed html/103")
	if f := e.flag("html", "103"); f.State != store.FlagConfirmed {
		t.Fatalf("html/103 is %s", f.State)
	}
}
