#!/usr/bin/env bash
# Tests scripts/install.sh and scripts/uninstall.sh in temporary directories with the binaries already built
# (--from-build, so CI does not build a second time): the user and the system layout, idempotence (a second
# install gives byte-identical files and keeps an edited config), the installed units pass `systemd-analyze verify`
# with the installed binary, and uninstall removes every installed file (twice is fine).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-"$(swift build --show-bin-path)"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checks=0
fail() { echo "check-install: FAILED: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); }
# Every file under the given directories with its mode and content hash.
snapshot() { find "$@" -type f -printf '%m %p\n' | sort | while read -r mode path; do
    echo "$mode $path $(sha256sum < "$path" | cut -c1-64)"; done; }

# The user layout, with HOME and XDG_CONFIG_HOME pointing into the temporary directory.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"
prefix=$tmp/prefix
units=$XDG_CONFIG_HOME/systemd/user
config=$XDG_CONFIG_HOME/agentd/agentd.toml
out=$(scripts/install.sh --user --prefix "$prefix" --from-build "$bin" --no-enable)
echo "$out" | grep -q "not enabling (--no-enable)" || fail "no --no-enable message: $out"; pass
for file in bin/agentd bin/agentctl share/doc/agentd/agentd.toml share/bash-completion/completions/agentctl \
    share/zsh/site-functions/_agentctl share/fish/vendor_completions.d/agentctl.fish share/man/man1/agentctl.1; do
    [ -f "$prefix/$file" ] || fail "$prefix/$file missing"; pass
done
[ -x "$prefix/bin/agentd" ] && [ -x "$prefix/bin/agentctl" ] || fail "binaries not executable"; pass
"$prefix/bin/agentd" --version >/dev/null || fail "installed agentd does not run"; pass
grep -q "^ExecStart=$prefix/bin/agentd --socket %t/agentd/agentd.sock .* --config %E/agentd/agentd.toml$" \
    "$units/agentd.service" || fail "ExecStart not pointing at the prefix: $(grep ExecStart "$units/agentd.service")"; pass
[ -f "$units/agentd.socket" ] || fail "agentd.socket missing"; pass
[ "$(stat -c %a "$config")" = 600 ] || fail "config mode $(stat -c %a "$config"), expected 600"; pass
scripts/check-units.sh "$units" "$prefix/bin/agentd" >/dev/null || fail "installed user units do not verify"; pass

first=$(snapshot "$prefix" "$units" "$XDG_CONFIG_HOME/agentd")
scripts/install.sh --user --prefix "$prefix" --from-build "$bin" --no-enable >/dev/null
second=$(snapshot "$prefix" "$units" "$XDG_CONFIG_HOME/agentd")
[ "$first" = "$second" ] || fail "second install changed files: $(diff <(echo "$first") <(echo "$second"))"; pass
echo "# edited by the user" >> "$config"
edited=$(sha256sum < "$config")
out=$(scripts/install.sh --user --prefix "$prefix" --from-build "$bin" --no-enable)
echo "$out" | grep -q "keeping the existing" || fail "install did not say it kept the config: $out"; pass
[ "$(sha256sum < "$config")" = "$edited" ] || fail "install overwrote an edited config"; pass

help=$(scripts/uninstall.sh --help) || fail "uninstall.sh --help exited $?"; pass
echo "$help" | grep -q "^  --purge" || fail "uninstall.sh --help does not list its options: $help"; pass
echo "$help" | grep -q "set -euo" && fail "uninstall.sh --help prints its code: $help"; pass
scripts/uninstall.sh --user --prefix "$prefix" --no-enable >/dev/null
left=$(find "$prefix" "$units" -type f | wc -l)
[ "$left" = 0 ] || fail "uninstall left files: $(find "$prefix" "$units" -type f)"; pass
[ -f "$config" ] || fail "uninstall removed the config without --purge"; pass
out=$(scripts/uninstall.sh --user --prefix "$prefix" --no-enable)
echo "$out" | grep -q "nothing installed" || fail "second uninstall: $out"; pass
scripts/uninstall.sh --user --prefix "$prefix" --no-enable --purge >/dev/null
[ ! -f "$config" ] || fail "--purge kept the config"; pass

# The system layout into temporary directories: units renamed to agentd.service/agentd.socket for the account.
sys=$tmp/system
scripts/install.sh --system --prefix "$sys/usr" --unit-dir "$sys/units" --config-dir "$sys/etc" --from-build "$bin" \
    --no-enable >/dev/null
grep -q "^User=agentd$" "$sys/units/agentd.service" || fail "system unit is not the account's"; pass
grep -q "^ExecStart=$sys/usr/bin/agentd .* --config $sys/etc/agentd.toml$" "$sys/units/agentd.service" \
    || fail "system ExecStart: $(grep ExecStart "$sys/units/agentd.service")"; pass
grep -q "^ListenStream=/run/agentd/agentd.sock$" "$sys/units/agentd.socket" || fail "system socket unit"; pass
scripts/check-units.sh "$sys/units" "$sys/usr/bin/agentd" >/dev/null || fail "installed system units do not verify"; pass
scripts/uninstall.sh --system --prefix "$sys/usr" --config-dir "$sys/etc" --no-enable >/dev/null
[ "$(find "$sys/usr" "$sys/units" -type f | wc -l)" = 0 ] || fail "system uninstall left files"; pass

echo "check-install: $checks passed, 0 failed"
