package rules

import "fmt"

// FileError is a problem in a rule file (categories, identity, forces,
// site files), with the file and line it is on, so that an analyst editing
// the file is pointed at the place to mend.
type FileError struct {
	File string
	Line int // 0 when the problem is the file as a whole
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}
