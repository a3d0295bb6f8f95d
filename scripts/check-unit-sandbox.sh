#!/usr/bin/env bash
# Checks that the bwrap sandbox works under the system unit's confinement, without a running systemd: it rebuilds
# the parts of agentd-system.service that bwrap meets (the SystemCallFilter= allow list, exactly as the unit's lines
# compute it, with EPERM; no_new_privs; no capabilities; a read-only root; a private /tmp; a hidepid /proc) around
# one sandboxed call as an unprivileged uid, and runs the sandbox as agentd does. It then shows that each of the
# options the unit leaves out (ProtectKernelTunables=, ProtectKernelLogs=, the old filter) breaks the sandbox.
# RestrictNamespaces= is not emulated (it is the list of namespaces bwrap is asked for).
# Needs root, bwrap, gcc, libseccomp.so.2 and systemd-analyze; prints "skipped" otherwise.
# Usage: scripts/check-unit-sandbox.sh [UNIT]   (default systemd/agentd-system.service)
set -euo pipefail
cd "$(dirname "$0")/.."
unit=${1:-systemd/agentd-system.service}
libseccomp=$(ls /usr/lib/*/libseccomp.so.2 /usr/lib64/libseccomp.so.2 2>/dev/null | head -n 1 || true)
for need in bwrap gcc systemd-analyze unshare setpriv; do
    command -v "$need" >/dev/null || { echo "check-unit-sandbox: skipped, $need is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "check-unit-sandbox: skipped, needs root (mount namespaces, another uid)"; exit 0; }
[ -n "$libseccomp" ] || { echo "check-unit-sandbox: skipped, no libseccomp.so.2"; exit 0; }
# Outside /tmp: the emulated PrivateTmp= hides it.
work=$(mktemp -d /var/tmp/agentd-unit-sandbox.XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT

cat >"$work/allow.c" <<'C'
/* allow FILE CMD...: every system call not named in FILE fails with EPERM (SystemCallFilter= allow list with
   SystemCallErrorNumber=EPERM); sets no_new_privs first, as NoNewPrivileges= does. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
typedef void *scmp_filter_ctx;
extern scmp_filter_ctx seccomp_init(uint32_t);
extern int seccomp_rule_add(scmp_filter_ctx, uint32_t, int, unsigned int, ...);
extern int seccomp_load(scmp_filter_ctx);
extern int seccomp_syscall_resolve_name(const char *);
int main(int argc, char **argv) {
    if (argc < 3) return 64;
    FILE *file = fopen(argv[1], "r");
    if (!file) { perror(argv[1]); return 1; }
    scmp_filter_ctx filter = seccomp_init(0x00050000U | EPERM);
    char name[128];
    while (fscanf(file, "%127s", name) == 1) {
        int number = seccomp_syscall_resolve_name(name);
        if (number >= 0) seccomp_rule_add(filter, 0x7fff0000U, number, 0);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || seccomp_load(filter) != 0) { perror("seccomp"); return 1; }
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    return 127;
}
C
gcc -O1 -o "$work/allow" "$work/allow.c" "$libseccomp"

mkdir "$work/groups"
expand() {  # the system calls of a group or name, groups expanded recursively (each group asked once)
    case "$1" in
        @*) if [ ! -e "$work/groups/$1" ]; then
                systemd-analyze syscall-filter "$1" | sed -e 's/^ *//' -e '/^#/d' -e '/^$/d' | tail -n +2 |
                    while read -r item; do expand "$item"; done >"$work/groups/$1.tmp"
                mv "$work/groups/$1.tmp" "$work/groups/$1"
            fi
            cat "$work/groups/$1" ;;
        *) echo "$1" ;;
    esac
}
# The unit's SystemCallFilter= lines in order: the first (an allow list) sets, later ones add, `~` lines remove.
filter_of() {
    local allowed="$work/allowed" line items name
    : >"$allowed"
    grep '^SystemCallFilter=' "$1" | sed 's/^SystemCallFilter=//' | while read -r line; do
        if [ "${line:0:1}" = "~" ]; then
            for name in ${line:1}; do expand "$name"; done | sort -u >"$work/remove"
            grep -vxFf "$work/remove" "$allowed" >"$allowed.new" || true
        else
            for name in $line; do expand "$name"; done | cat "$allowed" - | sort -u >"$allowed.new"
        fi
        mv "$allowed.new" "$allowed"
    done
    cat "$allowed"
}
filter_of "$unit" >"$work/unit.allow"
sed 's/^SystemCallFilter=capset mount umount2 pivot_root$//' "$unit" >"$work/old.service"
filter_of "$work/old.service" >"$work/old.allow"

cat >"$work/confine.sh" <<SH
# confine.sh ALLOWFILE PROC_OVERMOUNTS: the unit's mount sandboxing, then one sandboxed call as uid 65534.
set -e
mount --make-rprivate /
mount -o remount,bind,ro / /                           # ProtectSystem=strict (roughly)
mount -t tmpfs -o mode=1777 tmpfs /tmp                 # PrivateTmp=yes
mount -t proc -o hidepid=invisible proc /proc           # ProtectProc=invisible
if [ "\$2" = yes ]; then                                # ProtectKernelTunables=yes, ProtectKernelLogs=yes
    mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys /proc/sys
    mount --bind /dev/null /proc/kmsg
fi
# bwrap's children can hang after a failed step (seen after a refused capset); a deadline all the same.
exec timeout -s KILL 20 setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all "$work/allow" "\$1" \\
    bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-pid --unshare-net --unshare-ipc \\
    --die-with-parent --new-session sh -c 'echo "sandboxed: \$(ls /proc | grep -c "^[0-9]") processes visible"'
SH

status=0
check() {  # check WHAT EXPECT ALLOWFILE OVERMOUNTS
    local out
    # A pid namespace of its own: whatever bwrap leaves behind dies with it.
    out=$(unshare -m -p --fork sh "$work/confine.sh" "$3" "$4" 2>&1 || true)
    if [[ "$out" == sandboxed:* ]]; then got=works; else got=fails; fi
    if [ "$got" = "$2" ]; then
        echo "check-unit-sandbox: $1: $got as expected ($out)"
    else
        echo "check-unit-sandbox: FAIL $1: $got, expected $2 ($out)" >&2
        status=1
    fi
}
check "$(basename "$unit") as shipped" works "$work/unit.allow" no
check "with ProtectKernelTunables=/ProtectKernelLogs= (over-mounts on /proc)" fails "$work/unit.allow" yes
check "with the filter without capset/mount/umount2/pivot_root" fails "$work/old.allow" no
exit $status
