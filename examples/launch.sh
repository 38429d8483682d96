#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Start a program replicated from its first instruction, as Mitosis's
# "numactl --pgtablerepl=all" did; here it reports its own node mask.
exec wasp-run --pgtablerepl=all -- sh -c 'grep VmPTRepl /proc/self/status'
