// SPDX-License-Identifier: MIT
/*
 * fuzz_script.c - libFuzzer harness for the scenario-script parser and
 * runner. Any byte string is a script; the runner must answer it with an
 * exit status and messages, never a crash, a hang or a leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct script_cfg cfg = { 0 };
	int ret;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		return 0;
	cfg.out = sink;
	cfg.err = sink;
	ret = script_run_buffer(&cfg, "fuzz", (const char *)data, size);
	if (ret != SCRIPT_OK && ret != SCRIPT_EXPECT_FAILED &&
	    ret != SCRIPT_USAGE)
		__builtin_trap(); /* no other status exists */
	return 0;
}
