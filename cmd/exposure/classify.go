package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
)

func (a *app) classifyCmd() *cobra.Command {
	var in, out, explainTo string
	var explain bool
	var workers int
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Flag posts in the four categories (JSONL in, JSONL out)",
		Long: `classify reads posts as JSON lines {"id": "...", "text": "..."} and writes one
line per post, in input order:

  {"id": "...", "categories": ["offensive"], "scores": {"offensive": 0.93,
   "procedure": 0.02, "negativity": 0.1, "political": 0}, "evidence":
   [{"category": "offensive", "start": 10, "end": 17, "text": "..."}]}

categories lists the categories whose score reached the threshold set in the
rules (rules/categories/*.yaml); scores has every category; evidence gives the
byte offsets into the UTF-8 text of the words that caused each flag (rule
matches, or the model's strongest n-grams when the model flagged alone).

--in and --out take "-" for standard input and output. Input streams: memory
stays constant however long the file. A malformed line stops the run with
exit code 2 and a message naming the line. --explain writes the reasons for
every post (normalised text, rule hits, context rules, model n-grams) to
standard error, or to --explain-to, never into the JSONL output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			cl, err := classify.Load(fsys)
			if err != nil {
				return inputError{err}
			}
			r, closeIn, err := a.openIn(in)
			if err != nil {
				return err
			}
			defer closeIn()
			w, closeOut, err := a.openOut(out)
			if err != nil {
				return err
			}
			var ex io.Writer
			if explain || explainTo != "" {
				ex = a.stderr
				if explainTo != "" {
					f, err := os.Create(explainTo)
					if err != nil {
						return badInput("--explain-to: %v", err)
					}
					defer f.Close()
					ex = f
				}
			}
			n, err := classifyStream(cl, r, w, ex, inName(in), workers)
			if cerr := closeOut(); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			a.log.Info().Int("posts", n).Str("classifier", cl.Version()).Msg("classified")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "-", `posts JSONL ("-" = standard input)`)
	f.StringVar(&out, "out", "-", `flags JSONL ("-" = standard output)`)
	f.BoolVar(&explain, "explain", false, "print the reasons for each post to standard error")
	f.StringVar(&explainTo, "explain-to", "", "write the reasons to this file instead of standard error")
	f.IntVar(&workers, "workers", 0, "posts classified in parallel (default: number of CPUs)")
	return cmd
}

func inName(p string) string {
	if p == "-" {
		return "stdin"
	}
	return p
}

// openIn opens --in ("-" is standard input).
func (a *app) openIn(p string) (io.Reader, func(), error) {
	if p == "-" || p == "" {
		return a.stdin, func() {}, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, badInput("--in: %v", err)
	}
	return f, func() { f.Close() }, nil
}

// openOut opens --out ("-" is standard output). The returned close flushes
// and reports write errors.
func (a *app) openOut(p string) (io.Writer, func() error, error) {
	if p == "-" || p == "" {
		bw := bufio.NewWriterSize(a.stdout, 64<<10)
		return bw, bw.Flush, nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, nil, badInput("--out: %v", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

// post is one input line.
type post struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

type job struct {
	line int
	id   string // JSON-encoded id, written back verbatim
	text string
	out  []byte
	why  []byte
}

// classifyStream classifies JSONL posts from r to w in batches: each batch
// is spread over workers and written in input order, so memory is bounded
// by the batch size whatever the input length.
func classifyStream(cl *classify.Classifier, r io.Reader, w io.Writer, explain io.Writer, name string, workers int) (int, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const batch = 512
	br := bufio.NewReaderSize(r, 256<<10)
	jobs := make([]job, 0, batch)
	total := 0
	line := 0
	flush := func() error {
		if len(jobs) == 0 {
			return nil
		}
		var wg sync.WaitGroup
		next := make(chan int, len(jobs))
		for i := range jobs {
			next <- i
		}
		close(next)
		for k := 0; k < min(workers, len(jobs)); k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					j := &jobs[i]
					var res classify.Result
					if explain != nil {
						var e classify.Explanation
						res, e = cl.Explain(j.text)
						var b bytes.Buffer
						e.Write(&b, j.id)
						j.why = b.Bytes()
					} else {
						res = cl.Classify(j.text)
					}
					j.out = appendFlag(j.out[:0], j.id, j.text, res)
				}
			}()
		}
		wg.Wait()
		for i := range jobs {
			if _, err := w.Write(jobs[i].out); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			if explain != nil {
				if _, err := explain.Write(jobs[i].why); err != nil {
					return fmt.Errorf("explain: %w", err)
				}
			}
		}
		total += len(jobs)
		jobs = jobs[:0]
		return nil
	}
	for {
		b, err := readLine(br)
		if len(b) > 0 || err == nil {
			line++
		}
		if err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, errLineTooLong) {
				return total, badInput("%s:%d: line longer than %d bytes", name, line, maxLine)
			}
			return total, fmt.Errorf("read %s: %w", name, err)
		}
		if len(bytes.TrimSpace(b)) > 0 {
			var p post
			if jerr := json.Unmarshal(b, &p); jerr != nil {
				return total, badInput("%s:%d: malformed JSON: %v", name, line, jerr)
			}
			id, ierr := postID(p.ID)
			if ierr != nil {
				return total, badInput("%s:%d: %v", name, line, ierr)
			}
			if p.Text == nil {
				return total, badInput("%s:%d: missing \"text\"", name, line)
			}
			jobs = append(jobs, job{line: line, id: id, text: *p.Text})
			if len(jobs) == batch {
				if ferr := flush(); ferr != nil {
					return total, ferr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return total, flush()
		}
	}
}

// errLineTooLong and maxLine are shared with identify (identify.go).

// readLine reads one line without its newline, refusing lines over maxLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), err
	}
}

// postID checks the id and returns it JSON-encoded: a string, or a number
// (written back as a string).
func postID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New(`missing "id"`)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		b, _ := json.Marshal(s)
		return string(b), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		b, _ := json.Marshal(n.String())
		return string(b), nil
	}
	return "", fmt.Errorf(`"id" must be a string, not %s`, raw)
}

// appendFlag renders one output line of the contract.
func appendFlag(b []byte, id, text string, r classify.Result) []byte {
	b = append(b, `{"id":`...)
	b = append(b, id...)
	b = append(b, `,"categories":[`...)
	for i, c := range r.Categories {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, string(c))
	}
	b = append(b, `],"scores":{`...)
	for i, c := range classify.Categories {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, string(c))
		b = append(b, ':')
		b = strconv.AppendFloat(b, r.Scores[c], 'f', -1, 64)
	}
	b = append(b, `},"evidence":[`...)
	for i, s := range r.Evidence {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"category":`...)
		b = strconv.AppendQuote(b, string(s.Category))
		b = append(b, `,"start":`...)
		b = strconv.AppendInt(b, int64(s.Start), 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, int64(s.End), 10)
		b = append(b, `,"text":`...)
		t, _ := json.Marshal(s.Text) // invalid UTF-8 becomes U+FFFD
		b = append(b, t...)
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	return b
}
