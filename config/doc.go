// Package config reads the sweep configuration file (sweep.yaml): who runs
// the sweep and under what authority, which sources to read and how, and
// the recheck, retention and schedule settings. Errors name the file, the
// line and the field. Secrets never live in this file: tokens come from the
// environment (see the README).
package config
