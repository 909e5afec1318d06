// Package demo runs exposure's whole job on the embedded simulated network:
// it serves a generated world through the fake platforms on loopback, sweeps
// it through the real clients, confirms and refers the flags under a
// reviewer identity labelled as the demo's, exports per force, advances the
// world's clock month by month with a recheck each month, and measures the
// identity detector and the classifier against the world's ground truth
// (labelled as simulated wherever it is printed).
package demo
