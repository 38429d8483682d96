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
usage: ${0##*/} [--no-java] [--no-kernel] [--targets "guest debug dist"] [--nodes LIST]
                [--debug-nodes LIST] [--dist-nodes LIST] [--mm-nodes LIST]
                [--debug-mm-nodes LIST]
                [--extended] [--bochs] [--rerun] [--no-eval]
  --no-java        skip the Java unit tests
  --no-kernel      skip the kernel builds and everything in the guest
  --targets LIST   kernels to build and test in: guest (small, fast; kmemleak
                   on) and debug (KASAN, lockdep, DEBUG_VM_PGTABLE,
                   PAGE_TABLE_CHECK) and dist (guest with patched static keys
                   and KPTI, as distributions build; its guests run on
                   single-threaded TCG) (default: all three)
  --nodes LIST     guests to boot the guest kernel as: node counts, "la57"
                   after a count for 5-level paging, "pti" for page-table
                   isolation (KPTI, pti=on), "tiers" for memory tiers (the
                   upper half of the nodes CPU-less and slower, vm-run.sh
                   --slow-nodes; runs migrate_copy and the deployment test)
                   (default: "2 4 2la57 2tiers")
  --debug-nodes LIST  the same for the debug kernel (default: 2; "2 2tiers"
                   with --extended)
  --dist-nodes LIST   the same for the dist kernel (default: "2pti")
  --mm-nodes LIST  node counts of the guests that run the kernel's own mm
                   selftests, unreplicated and then with every process
                   replicated (tests/guest/mm-selftests.sh) (default: 2;
                   "2 4" with --extended)
  --debug-mm-nodes LIST  the same on the debug kernel (default: none;
                   "2" with --extended)
  --extended       also the long runs: every step of the series built whole
                   (scripts/check-series.sh --full instead of --quick),
                   the replication stress for 10 minutes
                   per guest instead of 20 s, the slow mm selftests, the mm
                   selftests on 4 nodes and on the debug kernel, swap and
                   the deployment test in the debug guests, the mm
                   selftests under the disaggregated-memory emulator (see
                   docs/testing.md for the times)
  --bochs          also the PCID run under Bochs (scripts/bochs-run.sh: the
                   bochs kernel, about 5 minutes of emulation on an idle
                   host; needs Debian's bochs, isolinux, xorriso,
                   busybox-static); --extended includes it
  --no-eval        skip the evaluation kit's smoke run (bench/eval/run.sh
                   --quick in a 2-node guest of the guest kernel)
  --rerun          run every guest again, also those whose inputs did not
                   change since they passed (see below)
A guest run whose inputs are all unchanged since it passed (kernel image and
modules, test programs, the runner and test scripts, the daemon's jar, the
guest's options, QEMU's and Java's versions, the host's installed packages)
is not run again: its results are reused and reported as such.
Results (TAP and logs) are kept in \$WASP_CACHE/results ($WASP_CACHE/results).
USAGE
}
bochs=0 java=1 kernel=1 rerun=0 eval_smoke=1 targets=${WASP_TARGETS:-guest debug dist} node_counts="2 4 2la57 2tiers"
debug_nodes=default dist_nodes="2pti" mm_nodes=default debug_mm_nodes=default extended=0
while (( $# )); do
	case $1 in
	--no-java) java=0; shift ;;
	--no-kernel) kernel=0; shift ;;
	--targets) targets=${2:?}; shift 2 ;;
	--nodes) node_counts=${2:?}; shift 2 ;;
	--debug-nodes) debug_nodes=${2:?}; shift 2 ;;
	--dist-nodes) dist_nodes=${2:?}; shift 2 ;;
	--mm-nodes) mm_nodes=${2?}; shift 2 ;;
	--debug-mm-nodes) debug_mm_nodes=${2?}; shift 2 ;;
	--extended) extended=1 bochs=1; shift ;;
	--bochs) bochs=1; shift ;;
	--rerun) rerun=1; shift ;;
	--no-eval) eval_smoke=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done

if (( extended )); then
	export WASP_STRESS_SECONDS=${WASP_STRESS_SECONDS:-600} WASP_MM_SET=extended
	[ "$mm_nodes" = default ] && mm_nodes="2 4"
	[ "$debug_mm_nodes" = default ] && debug_mm_nodes=2
	[ "$debug_nodes" = default ] && debug_nodes="2 2tiers"
fi
# a CI run stays under 60 minutes (docs/testing.md)
[ "$debug_nodes" = default ] && debug_nodes=2
[ "$mm_nodes" = default ] && mm_nodes=2
[ "$debug_mm_nodes" = default ] && debug_mm_nodes=

results=$WASP_CACHE/results
rm -rf "$results"
mkdir -p "$results"
passed=0 failed=0 skipped=0 reused=0 started=$SECONDS
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

# inputs_key DESCRIPTION PATH...: a hash of what a guest run's results depend
# on: DESCRIPTION (its options and expectations), the contents of each PATH
# (file or directory; a jar by its entries' contents, since Maven stamps
# times into it), QEMU's and Java's versions and the host's installed
# packages (the guest's root file system is the host's).
inputs_key() {
	local desc=$1 f
	shift
	{
		printf '%s\n' "$desc"
		qemu-system-x86_64 --version | head -n 1
		java -version 2>&1
		sha256sum </var/lib/dpkg/status
		for f in "$@"; do
			if [ -d "$f" ]; then
				(cd "$f" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
			elif [[ $f == *.jar ]]; then
				python3 -c 'import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); h = hashlib.sha256()
for n in sorted(z.namelist()): h.update(n.encode() + b"\0" + z.read(n))
print(h.hexdigest())' "$f"
			else
				sha256sum <"$f"
			fi
		done
	} | sha256sum | cut -c1-32
}

# reuse_passed NAME KEY TAP: if a run with inputs KEY passed before, copy its
# TAP to TAP, count it and succeed.
reuse_passed() {
	local name=$1 saved=$WASP_CACHE/passed/$2.tap tap=$3
	(( ! rerun )) && [ -f "$saved" ] || return 1
	log "$name: inputs unchanged since it passed on $(date -r "$saved" '+%F %T'): results reused (--rerun runs it again)"
	cp "$saved" "$tap"
	count_tap "$name (reused)" "$tap"
	reused=$((reused + 1))
}

# save_passed KEY TAP: remember a passing run's TAP (the newest 100 kept).
save_passed() {
	mkdir -p "$WASP_CACHE/passed"
	cp "$2" "$WASP_CACHE/passed/$1.tap"
	ls -t "$WASP_CACHE/passed"/*.tap | tail -n +101 | xargs -r rm -f
}

# guest_run NAME KEY TAP VM-RUN-ARGS...: boot a guest (scripts/vm-run.sh
# VM-RUN-ARGS), keep and count its TAP, remember it when it passed. A
# guest that timed out without starting a test program (its kernel never
# reached user space) sets no_boot, so that the other guests of that
# kernel do not wait out their timeouts too.
guest_run() {
	local name=$1 key=$2 tap=$3 rc
	shift 3
	"$WASP_ROOT/scripts/vm-run.sh" "$@" | tee "$tap"
	rc=${PIPESTATUS[0]}
	count_tap "guest ($name)" "$tap"
	if (( rc == 124 )) && ! grep -q '^# === ' "$tap"; then
		no_boot=1
		fail "guest run ($name) timed out before its first test program (the kernel did not boot)"
	elif (( rc != 0 )) && ! grep -q '^not ok' "$tap"; then
		fail "guest run ($name) ended with status $rc"
	elif (( rc == 0 )) && ! grep -q '^not ok' "$tap"; then
		save_passed "$key" "$tap"
	fi
}

# build_guest_tests TREE OUT: tests/guest/*.c, and the kselftest directories
# that kernel-patches/selftests names (added to the tree by the series);
# libwasp (its unit tests run here) and the examples, which
# tests/guest/interface_test runs in the guest.
build_guest_tests() {
	local tree=$1 out=$2 dir
	make -C "$WASP_ROOT/libwasp" OUT="$out/libwasp" all check || return
	make -C "$WASP_ROOT/examples" WASP_LIB="$out/libwasp" OUT="$out/examples" || return
	make -C "$WASP_ROOT/tests/guest" KSFT="$tree/tools/testing/selftests" OUT="$out/wasp" || return
	[ -f "$WASP_PATCHES/selftests" ] || return 0
	while read -r dir; do
		case $dir in ''|'#'*) continue ;; esac
		mkdir -p "$out/$dir"
		make -C "$tree/tools/testing/selftests/$dir" OUTPUT="$out/$dir" || return
		find "$out/$dir" -name '*.o' -delete
	done <"$WASP_PATCHES/selftests"
}

# build_mm_selftests TREE OBJ OUT: the kernel's tools/testing/selftests/mm,
# against the prepared tree's uapi headers. 6.12's khugepaged.c lacks
# KSFT_SKIP; programs that need libraries the host lacks are left out.
build_mm_selftests() {
	local tree=$1 obj=$2 out=$3
	make -s -C "$tree" O="$obj" headers || return
	mkdir -p "$out"
	make -s -k -C "$tree/tools/testing/selftests/mm" OUTPUT="$out" \
		KHDR_INCLUDES="-isystem $obj/usr/include -DKSFT_SKIP=4" || true
	find "$out" -name '*.o' -delete
	[ -x "$out/cow" ]	# the core of the set built
}

# guest_programs TARGET GUEST PROGRAM...: what runs in that guest. Every
# program runs on the guest kernel with 2 nodes; a guest with more nodes
# runs what depends on the number of copies (the replication programs);
# the 5-level-paging guest runs what depends on the page-table layout
# (replication, boot checks), so does the KPTI guest (dist kernel) with the
# static-key toggle test, the guest with memory tiers the
# migration copy tests (demotion needs a lower tier) and the deployment
# test (a CPU-less node), the debug kernel everything but the Java
# daemon's end-to-end test, which exercises no more kernel code and is slow
# under emulation. --extended runs every program on every plain guest.
guest_programs() {
	local target=$1 guest=$2 p
	shift 2
	for p in "$@"; do
		# more than 2 plain nodes: the replication programs, unless --extended
		if (( !extended )) && [[ $guest =~ ^[0-9]+$ ]] && (( guest > 2 )) &&
			[[ ${p##*/} != pgtable_repl* ]]; then
			continue
		fi
		case $guest:$target:${p##*/} in
		# 5-level paging: what walks or copies whole trees; with
		# --extended every replication program
		*la57:*:pgtable_repl_test|*la57:*:pgtable_repl_ad_test|*la57:*:pgtable_repl_stress|\
		*la57:*:pgtable_repl_home_test|*la57:*:boot_test) echo "$p" ;;
		*la57:*:pgtable_repl*) if (( extended )); then echo "$p"; fi ;;
		*la57:*:*) ;;
		*pti:*:pgtable_repl*|*pti:*:boot_test|*pti:*:key_toggle_test|*pti:*:interface_test) echo "$p" ;;
		*pti:*:*) ;;
		# Under KASAN the deployment test's timed bounds (IPIs per cycle,
		# a full node's faults within 240 s) do not hold and the basic
		# test's cases outlast the harness's 30 s (docs/testing.md);
		# --extended runs them anyway.
		*:debug:pgtable_repl_deploy_test|*:debug:pgtable_repl_test)
			if (( extended )); then echo "$p"; fi ;;
		*tiers:*:migrate_copy|*tiers:*:pgtable_repl_deploy_test) echo "$p" ;;
		*tiers:*:*) ;;
		*:debug:waspd_test) ;;
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

# Each patch of the series on its own: applies, passes checkpatch --strict
# (or says why not), compiles (--quick) or builds whole (--full, --extended).
if (( kernel )); then
	mode=--quick
	(( extended )) && mode=--full
	step "the series patch by patch (scripts/check-series.sh $mode)"
	if "$WASP_ROOT/scripts/check-series.sh" "$mode" >"$results/check-series.log" 2>&1; then
		passed=$((passed + 1))
		tail -n 1 "$results/check-series.log" >&2
	else
		fail "scripts/check-series.sh $mode (log: $results/check-series.log)"
	fi
fi

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
		# test programs: not the library, the launcher or the examples
		mapfile -t progs < <(find "$tests" \( -path "$tests/libwasp" -o -path "$tests/examples" \) \
			-prune -o -type f -perm -u+x -print | sort)

		export WASP_EXPECT_RELEASE WASP_EXPECT_UTS WASP_EXPECT_NODES WASP_EXPECT_CPUS
		export WASP_EXPECT_LA57 WASP_JAR WASP_MODULES
		WASP_EXPECT_RELEASE=$(cat "$obj/include/config/kernel.release")
		WASP_EXPECT_UTS=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' "$obj/include/generated/utsversion.h")
		WASP_JAR=$WASP_ROOT/waspd/target/waspd.jar
		WASP_MODULES=$obj/modules	# the guest has the host's /lib, read-only

		# The runner's behaviour does not depend on the kernel: check it once.
		if [ "$target" = "${targets%% *}" ]; then
			step "VM runner checks ($target)"
			tap=$results/runner-$target.tap
			key=$(inputs_key "runner $target" "$obj/arch/x86/boot/bzImage" \
				"$WASP_ROOT/scripts/vm-run.sh" "$WASP_ROOT/scripts/lib.sh" \
				"$WASP_ROOT/tests/vm/runner-selftest.sh")
			if ! reuse_passed "vm runner ($target)" "$key" "$tap"; then
				# The debug kernel boots only with pci=noacpi (below).
				runner_args=(--target "$target")
				[ "$target" = debug ] && runner_args+=(--append pci=noacpi)
				"$WASP_ROOT/tests/vm/runner-selftest.sh" "${runner_args[@]}" >"$tap" 2>&1
				rc=$?
				count_tap "vm runner ($target)" "$tap"
				(( rc == 0 )) && ! grep -q '^not ok' "$tap" && save_passed "$key" "$tap"
			fi
		fi

		guests=$node_counts
		[ "$target" = debug ] && guests=$debug_nodes
		[ "$target" = dist ] && guests=$dist_nodes
		# kmemleak is built into the guest kernel, off unless asked for.
		# Under KASAN and TCG, ACPI's _PRT method runs past the AML loop
		# timeout (30 s) for each PCI device, which is then left without
		# an interrupt and the root never mounts: the debug kernel takes
		# PCI interrupt routing from the BIOS table (docs/testing.md).
		cmdline=() append=()
		[ "$target" = guest ] && cmdline=(kmemleak=on)
		[ "$target" = debug ] && cmdline=(pci=noacpi)
		# Swap-in cases under KASAN take 7 of a debug guest's 20
		# minutes: with --extended only.
		[ "$target" = debug ] && (( !extended )) && append=(--swap 0)
		# Patched static keys: no other vCPU may run while one patches.
		[ "$target" = dist ] && append=(--accel tcg-single)
		# a debug guest's programs took about 8 minutes: 20 bound a hang
		guest_timeout=1800
		[ "$target" = debug ] && guest_timeout=1200
		no_boot=0
		for guest in $guests; do
			if (( no_boot )); then
				fail "guest $guest of the $target kernel not run: that kernel did not boot"
				continue
			fi
			n=${guest%la57} paging=() tiers=() pti=()
			[ "$n" = "$guest" ] || paging=(--la57)
			[ "${n%pti}" = "$n" ] || { n=${n%pti}; pti=(pti=on); }
			if [ "${n%tiers}" != "$n" ]; then
				n=${n%tiers}
				# the upper half of the nodes (at least one) slow, CPU-less;
				# no swap, which reclaim would take instead of demoting
				tiers=(--slow-nodes "$(seq -s, $(( n / 2 )) $(( n - 1 )))" --swap 0)
			fi
			name="$target, $n nodes${paging:+, 5-level paging}${pti:+, KPTI}${tiers:+, memory tiers (slow nodes ${tiers[1]})}"
			kernel_args=("${cmdline[@]}" "${pti[@]}") gargs=("${append[@]}")
			(( ${#kernel_args[@]} )) && gargs+=(--append "${kernel_args[*]}")
			step "in-guest tests: $name"
			WASP_EXPECT_NODES=$n WASP_EXPECT_CPUS=$(( n > 4 ? n : 4 )) WASP_EXPECT_LA57=${#paging[@]}
			tap=$results/guest-$target-$guest.tap
			mapfile -t run < <(guest_programs "$target" "$guest" "${progs[@]}")
			inputs=("$obj/arch/x86/boot/bzImage" "$tests" "$WASP_ROOT/scripts/vm-run.sh"
				"$WASP_ROOT/scripts/lib.sh" "$WASP_ROOT/tests/guest/run-tests.sh")
			[ -d "$WASP_MODULES" ] && inputs+=("$WASP_MODULES")
			[[ " ${run[*]##*/} " == *" waspd_test "* ]] && [ -f "$WASP_JAR" ] && inputs+=("$WASP_JAR")
			key=$(inputs_key "$name ${gargs[*]} ${run[*]##*/} $WASP_EXPECT_RELEASE $WASP_EXPECT_UTS
				$WASP_EXPECT_NODES $WASP_EXPECT_CPUS $WASP_EXPECT_LA57 ${WASP_STRESS_SECONDS:-}" "${inputs[@]}")
			reuse_passed "guest ($name)" "$key" "$tap" && continue
			guest_run "$name" "$key" "$tap" --target "$target" --nodes "$n" "${paging[@]}" \
				"${tiers[@]}" "${gargs[@]}" --timeout "$guest_timeout" \
				--log "$results/console-$target-$guest.log" -- \
				"$WASP_ROOT/tests/guest/run-tests.sh" "${run[@]}"
		done

		# The evaluation kit's smoke run (bench/eval, docs/evaluation.md):
		# its programs built on the host, run.sh --quick in a 2-node guest.
		if (( eval_smoke && !no_boot )) && [ "$target" = guest ]; then
			name="$target, 2 nodes, evaluation kit (run.sh --quick)"
			step "in-guest tests: $name"
			tap=$results/eval-$target.tap
			export WASP_EVAL_BIN=$WASP_CACHE/eval-bin
			if ! "$WASP_ROOT/bench/eval/build.sh" >"$results/eval-build.log" 2>&1; then
				cat "$results/eval-build.log" >&2
				fail "build of the evaluation kit"
			else
				key=$(inputs_key "$name $WASP_EXPECT_RELEASE $WASP_EXPECT_UTS" \
					"$obj/arch/x86/boot/bzImage" "$WASP_ROOT/bench/eval" "$WASP_EVAL_BIN" \
					"$WASP_ROOT/bench/pgtable_repl" "$WASP_ROOT/tests/guest/eval-smoke.sh" \
					"$WASP_ROOT/scripts/vm-run.sh" "$WASP_ROOT/scripts/lib.sh" $([ -f "$WASP_JAR" ] && echo "$WASP_JAR"))
				reuse_passed "guest ($name)" "$key" "$tap" ||
					guest_run "$name" "$key" "$tap" --target "$target" --nodes 2 --timeout 900 \
						--log "$results/console-$target-eval.log" -- "$WASP_ROOT/tests/guest/eval-smoke.sh"
			fi
		fi

		mm_args=("${append[@]}")
		(( ${#cmdline[@]} )) && mm_args+=(--append "${cmdline[*]}")
		mm_guests=$mm_nodes
		[ "$target" = debug ] && mm_guests=$debug_mm_nodes
		[ "$target" = dist ] && mm_guests=
		[ -n "$mm_guests" ] || continue
		mmtests=$WASP_CACHE/tests/$target-mm
		step "building the kernel's mm selftests ($target)"
		rm -rf "$mmtests"
		if ! build_mm_selftests "$tree" "$obj" "$mmtests" >"$results/mm-build-$target.log" 2>&1; then
			tail -n 20 "$results/mm-build-$target.log" >&2
			fail "build of the mm selftests ($target)"
			continue
		fi
		for n in $mm_guests; do
			name="$target, $n nodes, mm selftests unreplicated and replicated"
			step "in-guest tests: $name"
			tap=$results/mm-$target-$n.tap
			key=$(inputs_key "$name $WASP_EXPECT_RELEASE $WASP_EXPECT_UTS ${WASP_MM_SET:-}" \
				"$obj/arch/x86/boot/bzImage" "$mmtests" "$WASP_ROOT/scripts/vm-run.sh" \
				"$WASP_ROOT/scripts/lib.sh" "$WASP_ROOT/tests/guest/mm-selftests.sh")
			reuse_passed "guest ($name)" "$key" "$tap" && continue
			guest_run "$name" "$key" "$tap" --target "$target" --nodes "$n" "${mm_args[@]}" \
				--timeout 3000 --log "$results/console-$target-mm-$n.log" -- \
				"$WASP_ROOT/tests/guest/mm-selftests.sh" "$mmtests"
		done
		# The same programs with every process they start emulated by the
		# disaggregated-memory emulator (about 15 minutes): --extended.
		if (( extended )) && [ "$target" = guest ]; then
			name="$target, 2 nodes, mm selftests under the dmem emulator"
			step "in-guest tests: $name"
			tap=$results/mm-dmem-$target.tap
			key=$(inputs_key "$name $WASP_EXPECT_RELEASE $WASP_EXPECT_UTS ${WASP_MM_SET:-}" \
				"$obj/arch/x86/boot/bzImage" "$mmtests" "$WASP_ROOT/scripts/vm-run.sh" \
				"$WASP_ROOT/scripts/lib.sh" "$WASP_ROOT/tests/guest/mm-selftests.sh" \
				"$WASP_ROOT/tests/guest/mm-selftests-dmem.sh")
			reuse_passed "guest ($name)" "$key" "$tap" ||
				guest_run "$name" "$key" "$tap" --target "$target" --nodes 2 "${mm_args[@]}" \
					--timeout 3000 --log "$results/console-$target-mm-dmem.log" -- \
					"$WASP_ROOT/tests/guest/mm-selftests-dmem.sh" "$mmtests"
		fi
	done
fi

# PCID exists only under Bochs (TCG has none): the ASID paths of switching
# between copies run there (docs/testing.md).
if (( kernel && bochs )); then
	step "PCID run under Bochs (scripts/bochs-run.sh)"
	tap=$WASP_CACHE/bochs/run/results.tap
	rm -f "$tap"
	"$WASP_ROOT/scripts/bochs-run.sh" >"$results/bochs.log" 2>&1
	rc=$?
	if [ -s "$tap" ]; then count_tap "bochs (PCID)" "$tap"; fi
	(( rc == 0 )) || fail "the Bochs PCID run: status $rc (log: $results/bochs.log)"
fi

log "finished in $(( SECONDS - started ))s"
(( reused )) && log "$reused guest run(s) not run again: inputs unchanged since they passed (--rerun)"
for f in "${failures[@]}"; do log "  failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
(( failed == 0 ))
