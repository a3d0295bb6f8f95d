#!/usr/bin/env bash
# Removes what scripts/install.sh installed (the files listed in PREFIX/share/agentd/installed-files), after
# stopping and disabling the units. Keeps the configuration unless --purge, and always keeps the ledger (the state
# directory): delete it yourself if you mean to. Running it again does nothing.
#
#   scripts/uninstall.sh [--user | --system] [--prefix DIR] [--no-enable] [--purge] [--config-dir DIR]
#
#   --no-enable   do not call systemctl (files only)
#   --purge       also remove agentd.toml from the configuration directory
set -euo pipefail

scope=user
prefix=""
use_systemctl=yes
purge=no
config_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --user) scope=user ;;
        --system) scope=system ;;
        --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
        --no-enable) use_systemctl=no ;;
        --purge) purge=yes ;;
        --config-dir) config_dir=${2:?--config-dir needs a directory}; shift ;;
        # The comment block at the top of this file, and nothing after it.
        -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
if [ "$scope" = user ]; then
    prefix=${prefix:-$HOME/.local}
    config_dir=${config_dir:-$config_home/agentd}
    systemctl_scope=(--user)
    state="\$XDG_STATE_HOME/agentd (~/.local/state/agentd)"
    systemd_running() { systemctl --user show-environment >/dev/null 2>&1; }
else
    prefix=${prefix:-/usr/local}
    config_dir=${config_dir:-/etc/agentd}
    systemctl_scope=()
    state=/var/lib/agentd
    systemd_running() { [ -d /run/systemd/system ]; }
fi
if [ -d "$prefix" ]; then prefix=$(cd "$prefix" && pwd); fi
manifest=$prefix/share/agentd/installed-files
removed=0
if [ ! -f "$manifest" ]; then
    echo "uninstall.sh: nothing installed under $prefix (no $manifest)"
else
    if [ "$use_systemctl" = yes ] && systemd_running; then
        # Stopping drains: runs in flight are recorded as interrupted (resumable after a reinstall).
        systemctl "${systemctl_scope[@]}" disable --now agentd.socket agentd.service 2>/dev/null || true
    fi
    while IFS= read -r file; do
        [ -n "$file" ] || continue
        if [ -e "$file" ] || [ -L "$file" ]; then
            rm -f "$file"
            removed=$((removed + 1))
        fi
        # Remove the directories this left empty inside the prefix (never above it, never outside it).
        dir=$(dirname "$file")
        while [[ "$dir" == "$prefix"/* ]] && rmdir "$dir" 2>/dev/null; do dir=$(dirname "$dir"); done
    done < "$manifest"
    rm -f "$manifest"
    rmdir "$prefix/share/agentd" "$prefix/share" 2>/dev/null || true
    if [ "$use_systemctl" = yes ] && systemd_running; then
        systemctl "${systemctl_scope[@]}" daemon-reload
    fi
fi
if [ "$purge" = yes ]; then
    rm -f "$config_dir/agentd.toml"
    rmdir "$config_dir" 2>/dev/null || true
    echo "uninstall.sh: removed $config_dir/agentd.toml"
else
    if [ -f "$config_dir/agentd.toml" ]; then
        echo "uninstall.sh: kept $config_dir/agentd.toml (--purge removes it)"
    fi
fi
echo "uninstall.sh: removed $removed files; the ledger in $state is kept"
