package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/identify"
)

// maxLine caps one JSONL input line: a profile is a few hundred bytes, and
// an unbounded line from a hostile file must not take all memory.
const maxLine = 4 << 20

func (a *app) identifyCmd() *cobra.Command {
	var in, out string
	var explain bool
	cmd := &cobra.Command{
		Use:   "identify",
		Short: "Decide which profiles belong to serving police in scope (JSONL in, JSONL out)",
		Long: `identify reads profiles, one JSON object per line:

  {"id": "...", "handle": "...", "name": "...", "bio": "...", "location": "..."}

and writes one decision per line, in the same order:

  {"id": "...", "in_scope": true, "status": "serving", "force": "West Midlands Police",
   "role": "officer", "evidence": ["PC", "WMP"]}

status is serving, former, corporate or not_police; role is officer, special,
pcso, staff or unknown. force is a force of the rules, "unknown" when a profile
in scope names none, and empty when out of scope; "reason" says why a profile
is out of scope ("corporate account", "force not in rules", "police fan"...).
Other fields of an input line are ignored.

The rules are forces.yaml and identity.yaml (embedded, or from --rules).
"-" means standard input or output. Input is read as a stream. A malformed
line stops the command with exit code 2 and a message naming the line; the
decisions for the lines before it have been written.

--explain prints, on standard error, what matched in each profile and why it
was decided so; standard output stays clean JSONL.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			d, err := identify.Load(fsys)
			if err != nil {
				var re *identify.RuleError
				if errors.As(err, &re) {
					return inputError{err}
				}
				return err
			}
			return a.identify(d, in, out, explain)
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "-", `profiles JSONL file ("-" for standard input)`)
	f.StringVar(&out, "out", "-", `decisions JSONL file ("-" for standard output)`)
	f.BoolVar(&explain, "explain", false, "print the reasons for each decision on standard error")
	return cmd
}

// identityLine is one output line: the contract's fields in its order, then
// the reason.
type identityLine struct {
	ID string `json:"id"`
	identify.Result
}

func (a *app) identify(d *identify.Detector, inPath, outPath string, explain bool) (err error) {
	start := time.Now()
	var r io.Reader = a.stdin
	name := "stdin"
	if inPath != "-" {
		f, err := os.Open(inPath)
		if err != nil {
			return inputError{fmt.Errorf("--in: %w", err)}
		}
		defer f.Close()
		r, name = f, inPath
	}
	var w io.Writer = a.stdout
	if outPath != "-" {
		f, err := os.Create(outPath)
		if err != nil {
			return inputError{fmt.Errorf("--out: %w", err)}
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close %s: %w", outPath, cerr)
			}
		}()
		w = f
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := newJSONEncoder(bw)
	lines := newLineReader(r)
	n, inScope := 0, 0
	for {
		line, no, rerr := lines.next()
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			bw.Flush()
			if errors.Is(rerr, errLineTooLong) {
				return badInput("%s:%d: %v", name, no, rerr)
			}
			return fmt.Errorf("read %s: %w", name, rerr)
		}
		p, perr := parseProfile(line)
		if perr != nil {
			bw.Flush()
			return badInput("%s:%d: %v", name, no, perr)
		}
		var res identify.Result
		if explain {
			var why []string
			res, why = d.Explain(p)
			fmt.Fprintf(a.stderr, "%s:%d id %q\n", name, no, p.ID)
			for _, l := range why {
				fmt.Fprintf(a.stderr, "  %s\n", l)
			}
		} else {
			res = d.Identify(p)
		}
		if err := enc.Encode(identityLine{ID: p.ID, Result: res}); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		n++
		if res.InScope {
			inScope++
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	a.log.Info().Str("component", "identify").Int("profiles", n).Int("in_scope", inScope).
		Str("rules", d.Version()).Dur("took", time.Since(start)).Msg("identified")
	return nil
}

// parseProfile reads one input line. The id must be there: without it an
// output line could not be matched to its profile.
func parseProfile(line []byte) (identify.Profile, error) {
	var p identify.Profile
	var probe struct {
		ID *json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return p, fmt.Errorf("not a JSON object: %s", oneLine(err.Error(), 200))
	}
	if probe.ID == nil {
		return p, errors.New(`missing "id"`)
	}
	if err := json.Unmarshal(line, &p); err != nil {
		return p, fmt.Errorf("bad profile: %s", oneLine(err.Error(), 200))
	}
	if p.ID == "" {
		return p, errors.New(`empty "id"`)
	}
	return p, nil
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLine)

// lineReader yields the non-blank lines of a stream with their numbers.
type lineReader struct {
	r   *bufio.Reader
	no  int
	buf []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

func (l *lineReader) next() ([]byte, int, error) {
	for {
		l.buf = l.buf[:0]
		l.no++
		for {
			chunk, err := l.r.ReadSlice('\n')
			if len(l.buf)+len(chunk) > maxLine {
				return nil, l.no, errLineTooLong
			}
			l.buf = append(l.buf, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				if len(bytes.TrimSpace(l.buf)) == 0 {
					return nil, l.no, io.EOF
				}
				break
			}
			if err != nil {
				return nil, l.no, err
			}
			break
		}
		if line := bytes.TrimSpace(l.buf); len(line) > 0 {
			return line, l.no, nil
		}
	}
}
