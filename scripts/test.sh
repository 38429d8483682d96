#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The one test command: Java unit tests, the guest kernels built with the
# series, the VM runner's own checks, and the in-guest tests on 2 and 4 NUMA
# nodes. Ends with "N passed, M failed[, K skipped]"; exits non-zero if any
# test, build or guest run failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [--no-java] [--no-kernel] [--targets "guest debug kasan"] [--nodes LIST]
                [--debug-nodes LIST]
  --no-java        skip the Java unit tests
  --no-kernel      skip the kernel builds and everything in the guest
  --targets LIST   kernels to build and test in: guest (small, fast),
                   debug (lockdep, DEBUG_VM_PGTABLE, PAGE_TABLE_CHECK, kmemleak)
                   and kasan (debug with KASAN instead of kmemleak; 2 nodes)
                   (default: all three)
  --nodes LIST     guests to boot the guest kernel as: node counts, "la57"
                   after a count for 5-level paging, "tiers" after a count for
                   memory tiers (the upper half of the nodes CPU-less and slower,
                   vm-run.sh --slow-nodes; runs migrate_copy only)
                   (default: "2 4 2la57 2tiers")
  --debug-nodes LIST  the same for the debug kernel (default: "2 2tiers")
Results (TAP and logs) are kept in \$WASP_CACHE/results ($WASP_CACHE/results).
USAGE
}
java=1 kernel=1 targets=${WASP_TARGETS:-guest debug kasan} node_counts="2 4 2la57 2tiers"
debug_nodes="2 2tiers"
while (( $# )); do
	case $1 in
	--no-java) java=0; shift ;;
	--no-kernel) kernel=0; shift ;;
	--targets) targets=${2:?}; shift 2 ;;
	--nodes) node_counts=${2:?}; shift 2 ;;
	--debug-nodes) debug_nodes=${2:?}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done

results=$WASP_CACHE/results
rm -rf "$results"
mkdir -p "$results"
passed=0 failed=0 skipped=0 started=$SECONDS
failures=()
step() { log "== $* ($(( SECONDS - started ))s)"; }
fail() { failed=$((failed + 1)); failures+=("$1"); log "FAILED: $1"; }

# count_tap NAME FILE: add a TAP stream's results to the totals.
count_tap() {
	local name=$1 file=$2 p f s
	p=$(grep -Ec '^ok [0-9]+' "$file" || true)
	s=$(grep -Ec '^ok [0-9]+.*# SKIP' "$file" || true)
	f=$(grep -Ec '^not ok [0-9]+' "$file" || true)
	passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + f))
	while IFS= read -r line; do failures+=("$name: ${line#not ok }"); done < <(grep -E '^not ok [0-9]+' "$file")
	log "$name: $((p - s)) passed, $f failed, $s skipped"
}

# build_guest_tests TREE OUT: tests/guest/*.c, and the kselftest directories
# that kernel-patches/selftests names (added to the tree by the series).
build_guest_tests() {
	local tree=$1 out=$2 dir
	make -C "$WASP_ROOT/tests/guest" KSFT="$tree/tools/testing/selftests" OUT="$out/wasp" || return
	[ -f "$WASP_PATCHES/selftests" ] || return 0
	while read -r dir; do
		case $dir in ''|'#'*) continue ;; esac
		mkdir -p "$out/$dir"
		make -C "$tree/tools/testing/selftests/$dir" OUTPUT="$out/$dir" || return
		find "$out/$dir" -name '*.o' -delete
	done <"$WASP_PATCHES/selftests"
}

# guest_programs TARGET GUEST PROGRAM...: what runs in that guest. Every
# program runs on the guest kernel with 2 and 4 nodes; the 5-level-paging
# guest runs what depends on the page-table layout (replication, boot
# checks), the guest with memory tiers the migration copy tests (demotion
# needs a lower tier), the debug and KASAN kernels everything but the Java
# daemon's end-to-end test, which exercises no more kernel code and is slow
# under emulation.
guest_programs() {
	local target=$1 guest=$2 p
	shift 2
	for p in "$@"; do
		case $guest:$target:${p##*/} in
		*la57:*:pgtable_repl*|*la57:*:boot_test) echo "$p" ;;
		*la57:*:*) ;;
		*tiers:*:migrate_copy) echo "$p" ;;
		*tiers:*:*) ;;
		*:debug:waspd_test|*:kasan:waspd_test) ;;
		*) echo "$p" ;;
		esac
	done
}

if (( java )); then
	step "Java unit tests (mvn -B verify)"
	rm -rf "$WASP_ROOT"/*/target/surefire-reports
	if ! (cd "$WASP_ROOT" && mvn -B -ntp verify) >"$results/maven.log" 2>&1; then
		grep -E 'Tests run:|FAIL|ERROR' "$results/maven.log" | tail -n 30 >&2
		fail "mvn -B verify (log: $results/maven.log)"
	fi
	for r in "$WASP_ROOT"/*/target/surefire-reports/TEST-*.xml; do
		[ -f "$r" ] || continue
		t=$(grep -o -m1 'tests="[0-9]*"' "$r" | tr -dc 0-9)
		f=$(grep -o -m1 'failures="[0-9]*"' "$r" | tr -dc 0-9)
		e=$(grep -o -m1 'errors="[0-9]*"' "$r" | tr -dc 0-9)
		s=$(grep -o -m1 'skipped="[0-9]*"' "$r" | tr -dc 0-9)
		passed=$((passed + t - f - e - s)) failed=$((failed + f + e)) skipped=$((skipped + s))
	done
	grep -E '^\[(INFO|WARNING|ERROR)\] Tests run:' "$results/maven.log" | tail -n 1 >&2
fi

step "checks of the scripts (prepare, install, vm-run options)"
"$WASP_ROOT/tests/scripts/scripts-selftest.sh" >"$results/scripts.tap" 2>&1
count_tap "scripts" "$results/scripts.tap"

if (( kernel )); then
	for target in $targets; do
		step "building the $target kernel"
		if ! obj=$("$WASP_ROOT/scripts/build-kernel.sh" --target "$target"); then
			fail "build of the $target kernel"
			continue
		fi
		tree=$WASP_CACHE/src
		tests=$WASP_CACHE/tests/$target
		step "building the in-guest tests"
		rm -rf "$tests"
		if ! build_guest_tests "$tree" "$tests" >"$results/tests-build.log" 2>&1; then
			cat "$results/tests-build.log" >&2
			fail "build of the in-guest tests"
			continue
		fi
		mapfile -t progs < <(find "$tests" -type f -perm -u+x | sort)

		export WASP_EXPECT_RELEASE WASP_EXPECT_UTS WASP_EXPECT_NODES WASP_EXPECT_CPUS
		export WASP_EXPECT_LA57 WASP_JAR WASP_MODULES
		WASP_EXPECT_RELEASE=$(cat "$obj/include/config/kernel.release")
		WASP_EXPECT_UTS=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' "$obj/include/generated/utsversion.h")
		WASP_JAR=$WASP_ROOT/waspd/target/waspd.jar
		WASP_MODULES=$obj/modules	# the guest has the host's /lib, read-only

		# The runner's behaviour does not depend on the kernel: check it once.
		if [ "$target" = "${targets%% *}" ]; then
			step "VM runner checks ($target)"
			"$WASP_ROOT/tests/vm/runner-selftest.sh" --target "$target" >"$results/runner-$target.tap" 2>&1
			count_tap "vm runner ($target)" "$results/runner-$target.tap"
		fi

		guests=$node_counts
		[ "$target" = debug ] && guests=$debug_nodes
		[ "$target" = kasan ] && guests=2
		for guest in $guests; do
			n=${guest%la57} paging=() tiers=()
			[ "$n" = "$guest" ] || paging=(--la57)
			if [ "${n%tiers}" != "$n" ]; then
				n=${n%tiers}
				# the upper half of the nodes (at least one) slow, CPU-less
				tiers=(--slow-nodes "$(seq -s, $(( n / 2 )) $(( n - 1 )))")
			fi
			name="$target, $n nodes${paging:+, 5-level paging}${tiers:+, memory tiers (slow nodes ${tiers[1]})}"
			step "in-guest tests: $name"
			WASP_EXPECT_NODES=$n WASP_EXPECT_CPUS=$(( n > 4 ? n : 4 )) WASP_EXPECT_LA57=${#paging[@]}
			tap=$results/guest-$target-$guest.tap
			"$WASP_ROOT/scripts/vm-run.sh" --target "$target" --nodes "$n" "${paging[@]}" "${tiers[@]}" \
				--timeout 1800 --log "$results/console-$target-$guest.log" -- \
				"$WASP_ROOT/tests/guest/run-tests.sh" $(guest_programs "$target" "$guest" "${progs[@]}") |
				tee "$tap"
			rc=${PIPESTATUS[0]}
			count_tap "guest ($name)" "$tap"
			if (( rc != 0 )) && ! grep -q '^not ok' "$tap"; then
				fail "guest run ($name) ended with status $rc"
			fi
		done
	done
fi

log "finished in $(( SECONDS - started ))s"
for f in "${failures[@]}"; do log "  failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
(( failed == 0 ))
