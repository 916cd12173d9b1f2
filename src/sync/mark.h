/*
 * mark.h - the periodic import's cursor on `Aenderung` (src/sync/README.md "Reads").
 *
 * onOffice keeps `Aenderung` as Europe/Berlin local text "Y-m-d H:i:s" and compares
 * it as text. Text order is time order except in the repeated October hour: when the
 * clocks go back at 03:00 CEST to 02:00 CET, an address changed at 02:10 CET (later)
 * gets a SMALLER text than one changed at 02:50 CEST (earlier). A cursor that has
 * reached "02:50" must therefore reach back to "02:00:00" until the fold is over.
 *
 * sync_mark_lower gives the lower bound L of a read from the watermark (the highest
 * Aenderung committed) and an overlap: every address changed at or after the
 * watermark's earliest possible instant minus the overlap has a text >= L. The
 * overlap covers changes that become visible late (a transaction committing after a
 * later one) between runs.
 */
#ifndef IMMO_SYNC_MARK_H
#define IMMO_SYNC_MARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_MARK_MAX  24
#define SYNC_MARK_ZERO "1970-01-01 00:00:00"

/* True when s is exactly "YYYY-MM-DD HH:MM:SS" with digits in place. */
bool sync_mark_valid(const char *s);

/*
 * Writes the lower bound for mark and overlap_s (>= 0) into out (SYNC_MARK_MAX).
 * A mark that is not a valid Berlin time (the March gap, "0000-00-00 …") is read as
 * UTC minus two hours, the earliest instant it could mean. An invalid text gives
 * SYNC_MARK_ZERO.
 */
void sync_mark_lower(const char *mark, int overlap_s, char *out);

/* The instant of the October jump (last Sunday of October, 01:00 UTC) of a year. */
int64_t sync_fold_end_ms(int year);

#endif
