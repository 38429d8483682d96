// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Every libc entry point waspd calls, in one place. Errors come back as
 * {@link LastErrorException} carrying errno; adapters in {@code org.wasp.daemon.os}
 * and {@code org.wasp.daemon.counters} turn them into domain exceptions.
 *
 * <p>{@code syscall} and {@code prctl} are variadic in glibc; they are declared here
 * with fixed 64-bit integer arguments, which is call-compatible on x86-64 and arm64.
 */
public interface LibC extends Library {

    /** Loaded on first use, so code paths that never touch native code do not need libc. */
    final class Holder {
        private Holder() {
        }

        public static final LibC INSTANCE = Native.load("c", LibC.class);
    }

    static LibC get() {
        return Holder.INSTANCE;
    }

    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;

    int RLIMIT_NOFILE = 7;

    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int MSG_NOSIGNAL = 0x4000;

    /** perf_event_open(attr, pid/tid, cpu, group_fd, flags). */
    long syscall(long number, PerfEventAttr attr, long pid, long cpu, long groupFd, long flags)
            throws LastErrorException;

    /** mbind(addr, len, mode, nodemask, maxnode, flags). */
    long syscall(long number, Pointer addr, long len, long mode, long[] nodemask, long maxnode, long flags)
            throws LastErrorException;

    /** Argument-less system calls such as gettid. */
    long syscall(long number) throws LastErrorException;

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    int sched_setaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    int sched_getaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    int munmap(Pointer addr, long length) throws LastErrorException;

    int getrlimit(int resource, RLimit rlim) throws LastErrorException;

    int setrlimit(int resource, RLimit rlim) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    /** sendto(2) to a {@code struct sockaddr} given as its bytes ({@link SockaddrUn}). */
    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    int geteuid();

    int getpid();
}
