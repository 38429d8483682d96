#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks that scripts/vm-run.sh reports what happened in the guest: a
# command's exit status, a kernel panic and a hung guest. TAP on stdout.
# usage: runner-selftest.sh [vm-run.sh options, e.g. --target guest]
set -u
vm=$(dirname "$0")/../../scripts/vm-run.sh
n=0 rc=0
check() { # check NAME EXPECTED-STATUS GREP-PATTERN -- vm-run args...
	local name=$1 want=$2 pattern=$3 out got
	shift 4
	out=$("$vm" "$@" 2>&1)
	got=$?
	n=$((n + 1))
	if [ "$got" = "$want" ] && { [ -z "$pattern" ] || grep -Eq "$pattern" <<<"$out"; }; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (status $got, expected $want${pattern:+ and output matching /$pattern/})"
		sed 's/^/# /' <<<"$out" | tail -n 20
		rc=1
	fi
}
echo "TAP version 13"
echo "1..5"
check vm_runs_command_in_guest 0 '^hello from wasp-guest$' -- "$@" -- sh -c 'echo hello from $(hostname); cat /proc/version'
check vm_returns_exit_status 3 '' -- -q "$@" -- sh -c 'exit 3'
check vm_reports_panic 125 'Kernel panic' -- -q --timeout 120 "$@" -- sh -c 'echo c > /proc/sysrq-trigger; sleep 60'
check vm_kills_hung_guest 124 'did not finish within 40s' -- -q --timeout 40 "$@" -- sleep 600
# The guest mounts its own tmpfs on /tmp: a checkout there must still be seen.
tmp_copy=$(mktemp -d /tmp/wasp-checkout.XXXXXX)
cp -r "$(dirname "$0")/../../scripts" "$tmp_copy/"
echo "checkout marker $$" >"$tmp_copy/marker"
vm=$tmp_copy/scripts/vm-run.sh
check vm_sees_a_checkout_in_tmp 0 "^checkout marker $$\$" -- "$@" -- sh -c "cd $tmp_copy && cat marker && test -x scripts/guest-init"
vm=$(dirname "$0")/../../scripts/vm-run.sh
rm -rf "$tmp_copy"
exit $rc
