package sim

import (
	"strconv"
	"time"
)

// Post ids on both platforms are 63-bit numbers, written in decimal, laid
// out like snowflakes so that they grow with time:
//
//	seconds since epoch (30 bits) | account index (21 bits) | post index (12 bits)
//
// The account index and the post's place in its account's timeline are in
// the id, so Post(platform, id) finds the account and regenerates just that
// post without an index of every post in memory.
const (
	postBits    = 12
	accountBits = 21
	timeShift   = postBits + accountBits
)

// epoch is the zero of every id's clock (the year Twitter was founded).
var epoch = time.Date(2006, time.January, 1, 0, 0, 0, 0, time.UTC)

func postID(sec int64, account, i int) string {
	return strconv.FormatUint(postNum(sec, account, i), 10)
}

func postNum(sec int64, account, i int) uint64 {
	return uint64(sec-epoch.Unix())<<timeShift | uint64(account)<<postBits | uint64(i)
}

// parsePostID splits a post id; ok is false for anything that is not one of
// ours (callers still check that the post exists).
func parsePostID(id string) (account, i int, ok bool) {
	if len(id) == 0 || len(id) > 19 || id[0] == '0' || id[0] == '+' {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(id, 10, 63)
	if err != nil {
		return 0, 0, false
	}
	return int(n >> postBits & (maxAccounts - 1)), int(n & (maxPosts - 1)), true
}

// accountNum is a Twitter-like account id: creation time and index, so ids
// of newer accounts are larger, as on the real platform.
func accountNum(created time.Time, account int) string {
	return strconv.FormatUint(uint64(created.Unix()-epoch.Unix())<<accountBits|uint64(account), 10)
}
