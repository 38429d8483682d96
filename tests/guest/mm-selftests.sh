#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the test guest: the kernel's own mm selftests (built from the
# prepared tree by scripts/test.sh) with kernel.mitosis_auto_enable=1, which
# replicates every new process on every node, then with replication off:
# every program with WASP_MM_SET=extended, else only those that did not
# pass replicated (a program that fails both ways fails for a reason of
# its own: the environment, not replication). The replicated run may not
# fail a program the unreplicated run passes. One TAP line per program; a
# failed program runs once more before it counts (see docs/testing.md for
# the ones that are flaky under TCG).
#
# usage: mm-selftests.sh DIR [PROGRAM...]   (default: the core set below)
set -u
dir=${1:?usage: mm-selftests.sh DIR [PROGRAM...]}
shift
# The core set: what replication's hooks touch (mremap, mprotect, THP,
# migration, hugetlb, userfaultfd, KSM, soft-dirty, pagemap, COW, GUP,
# mlock), each at most 4 minutes under TCG. Arguments after a colon.
# WASP_MM_SET=extended (test.sh --extended) adds the slow ones (under TCG
# split_huge_page_test takes 3.5 minutes a pass, uffd-unit-tests 2.5; the
# A/D matrix covers userfaultfd write-protect in the default run).
core=(mremap_dontunmap map_fixed_noreplace map_populate mlock2-tests
      madv_populate soft-dirty pagemap_ioctl mkdirty cow gup_longterm
      ksm_functional_tests migration "khugepaged:-s 2"
      mdwe_test mseal_test droppable mrelease_test mremap_test
      hugetlb-madvise hugepage-mremap thuge-gen)
[ "${WASP_MM_SET:-}" = extended ] && core+=(uffd-unit-tests split_huge_page_test
	transhuge-stress:"-d 20" compaction_test)
(( $# )) && core=("$@")
auto=/proc/sys/kernel/mitosis_auto_enable
[ -w "$auto" ] || { echo "1..0 # SKIP no $auto (kernel without page-table replication)"; exit 0; }
old_auto=$(cat "$auto")
per_test_timeout=${MM_SELFTEST_TIMEOUT:-300}
# THP as upstream's run_vmtests.sh leaves it; khugepaged's tests need it.
# Huge pages for the hugetlb tests (and migration's), 128 MiB.
echo always >/sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
echo 64 >/proc/sys/vm/nr_hugepages 2>/dev/null
# SysV shared memory as run_vmtests.sh sets it: thuge-gen bails out with
# the default shmmax (and was skipped as failing both ways until then).
echo 268435456 >/proc/sys/kernel/shmmax 2>/dev/null
# The programs create files in their working directory: a tmpfs one.
work=$(mktemp -d)

# run_one NAME ARGS: status 0 pass, 4 skip, else fail; output to $log.
run_one() {
	local prog=$1 args=$2 rc
	(cd "$work" && timeout "$per_test_timeout" "$dir/$prog" $args) >"$log" 2>&1
	rc=$?
	# kselftest programs exit 4 for skip; TAP with only skips is a skip too.
	if (( rc == 0 )) && grep -q '^ok .*# SKIP' "$log" && ! grep -q '^ok [0-9]* [^#]*$' "$log"; then
		rc=4
	fi
	return "$rc"
}

declare -A result
log=$(mktemp)
for mode in on off; do
	echo "$([ "$mode" = on ] && echo 1 || echo -1)" >"$auto"
	if [ "$mode" = on ]; then
		# Proof that new processes really are replicated in this pass.
		repl=$(awk '/^VmPTRepl:/ { print $2 }' /proc/self/status)
		if [ -z "$repl" ] || (( repl == 0 )); then
			echo "# auto-enable did not replicate a new process (VmPTRepl: ${repl:-missing})"
			echo "$old_auto" >"$auto"
			echo "1..1"; echo "not ok 1 mm_selftests_replicated"; exit 1
		fi
		echo "# replicated pass: a new process has VmPTRepl: $repl kB"
	fi
	for entry in "${core[@]}"; do
		prog=${entry%%:*} args=
		[[ $entry == *:* ]] && args=${entry#*:}
		[ -x "$dir/$prog" ] || { result[$mode:$prog]=missing; continue; }
		if [ "$mode" = off ] && [ "${result[on:$prog]}" = pass ] &&
			[ "${WASP_MM_SET:-}" != extended ]; then
			result[off:$prog]="not run"
			continue
		fi
		start=$SECONDS
		run_one "$prog" "$args"
		rc=$?
		if (( rc != 0 && rc != 4 )); then
			echo "# $prog ($mode): status $rc, running it once more; last lines:"
			# the failing checks (a program's last lines often all pass)
			grep -E -m 10 'Fail|FAIL|not ok|Bail out' "$log" | sed 's/^/#   failed: /'
			tail -n 15 "$log" | sed 's/^/#   /'
			run_one "$prog" "$args"
			rc=$?
		fi
		case $rc in 0) r=pass ;; 4) r=skip ;; 124) r=timeout ;; *) r="fail($rc)" ;; esac
		result[$mode:$prog]=$r
		echo "# $prog, replication $mode: $r in $(( SECONDS - start )) s"
		if [[ $r == fail* || $r == timeout ]]; then
			grep -E -m 10 'Fail|FAIL|not ok|Bail out' "$log" | sed 's/^/#   failed: /'
			tail -n 30 "$log" | sed 's/^/#   /'
		fi
	done
done
echo "$old_auto" >"$auto"
rm -rf "$log" "$work"

echo "TAP version 13"
echo "1..${#core[@]}"
n=0 rc=0
for entry in "${core[@]}"; do
	prog=${entry%%:*}
	off=${result[off:$prog]} on=${result[on:$prog]}
	n=$(( n + 1 ))
	if [ "$off" = missing ]; then
		echo "ok $n mm.$prog # SKIP not built"
	elif [ "$off" = pass ] && [ "$on" != pass ]; then
		echo "not ok $n mm.$prog # unreplicated $off, replicated $on"
		rc=1
	elif [ "$off" = "not run" ]; then
		echo "ok $n mm.$prog # replicated $on"
	elif [ "$off" != pass ]; then
		echo "ok $n mm.$prog # SKIP unreplicated $off, replicated $on"
	else
		echo "ok $n mm.$prog # unreplicated $off, replicated $on"
	fi
done
exit $rc
