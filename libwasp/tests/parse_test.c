// SPDX-License-Identifier: LGPL-2.1-or-later
/* wasp_parse_nodes(): node sets as numactl writes them. Exit 0: all pass. */
#include <errno.h>
#include <stdio.h>

#include "wasp.h"

static int failed;

static void ok(const char *spec, unsigned long want)
{
	unsigned long got = 0;

	if (wasp_parse_nodes(spec, &got) || got != want) {
		printf("not ok: '%s' gave %#lx, want %#lx\n", spec, got, want);
		failed++;
	}
}

static void bad(const char *spec)
{
	unsigned long got = 0;

	errno = 0;
	if (!wasp_parse_nodes(spec, &got) || errno != EINVAL) {
		printf("not ok: '%s' accepted (%#lx)\n", spec ? spec : "(null)", got);
		failed++;
	}
}

int main(void)
{
	ok("all", WASP_ALL_NODES);
	ok("0,1", 0x3);
	ok("1", 0x2);
	ok("0-3", 0xf);
	ok("1-2,5", 0x26);
	ok("62", 1UL << 62);
	bad("0");		/* mask 1 means all nodes */
	bad("");
	bad(NULL);
	bad("x");
	bad("1,");
	bad("3-1");
	bad("63");
	bad("-1");
	bad("0-");
	bad("1 2");
	printf("%s: wasp_parse_nodes, %d failed\n", failed ? "FAIL" : "PASS", failed);
	return failed != 0;
}
