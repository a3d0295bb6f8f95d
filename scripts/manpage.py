"""Writes agentctl's man page (mdoc) from `agentctl --experimental-dump-help` JSON read on stdin.

The page is generated from the command definitions (swift-argument-parser's own dump of every command, option
and help text), so it cannot drift from `agentctl help`. scripts/generate-manpage.sh runs it.
"""
import json
import sys

# Fixed, so the same definitions always give the same page (the up-to-date check compares bytes).
DATE = "November 26, 2026"

EXIT_CODES = [
    ("0", "The command succeeded; for start, attach and resume: the run completed; for chat: you left it (Ctrl-D)."),
    ("1", "The run failed."),
    ("2", "The run was cancelled or interrupted (resume it with agentctl resume RUN); also when agentd stops "
     "(SIGTERM) while start, attach or resume follows a run: the run is recorded as interrupted."),
    ("3", "agentd is not reachable: not running, or the socket is not accessible; or agentd went away (killed, "
     "crashed) while a run was followed: the run goes on when agentd starts again (agentctl attach RUN)."),
    ("4", "The daemon refused the request, or another decision on an approval came first."),
    ("64", "Usage error."),
    ("130", "Ctrl-C while start, attach or resume follows a run: agentctl detached and the run continues "
     "(agentctl attach RUN). A second Ctrl-C within a second asks whether to cancel the run. In chat, Ctrl-C "
     "cancels the running turn instead, and the chat goes on."),
]
ENVIRONMENT = [
    ("AGENTD_SOCKET", "The control socket when --socket is not given."),
    ("XDG_RUNTIME_DIR", "Without AGENTD_SOCKET, the socket is $XDG_RUNTIME_DIR/agentd/agentd.sock."),
    ("NO_COLOR", "When set to anything non-empty, no colour is used, even on a terminal."),
    ("LANG, LC_CTYPE, LC_ALL", "Outside a UTF-8 locale, marks and spinners are plain ASCII."),
]


def text(value):
    """Escapes a paragraph for roff: backslashes, and lines that would start a request."""
    lines = []
    for line in (value or "").replace("\\", "\\e").split("\n"):
        line = line.strip()
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(line if line else ".Pp" for line in lines)


def flag(argument):
    name = argument["preferredName"]
    prefix = "Fl " + ("" if name["kind"] == "short" else "-") + name["name"]
    if argument["kind"] == "option":
        prefix += " Ar " + argument.get("valueName", "value")
    return prefix


def synopsis_item(argument):
    if argument["kind"] == "positional":
        item = "Ar " + argument.get("valueName", "value")
        if argument.get("isRepeating"):
            item += " ..."
    else:
        item = flag(argument)
    return ("Oo " + item + " Oc") if argument.get("isOptional") or argument["kind"] == "flag" else item


def visible(arguments):
    """Arguments shown in help, without the --help and --version every command has."""
    return [
        a for a in arguments or []
        if a.get("shouldDisplay", True) and a.get("preferredName", {}).get("name") not in ("help", "version")
    ]


def describe_arguments(out, arguments):
    shown = visible(arguments)
    if not shown:
        return
    out.append(".Bl -tag -width 6n")
    for argument in shown:
        if argument["kind"] == "positional":
            out.append(".It Ar " + argument.get("valueName", "value") + (" ..." if argument.get("isRepeating") else ""))
        else:
            names = [n for n in argument.get("names", [])]
            items = []
            for n in names:
                item = "Fl " + ("" if n["kind"] == "short" else "-") + n["name"]
                if argument["kind"] == "option":
                    item += " Ar " + argument.get("valueName", "value")
                items.append(item)
            out.append(".It " + " , ".join(items))
        out.append(text(argument.get("abstract", "")))
        if argument.get("defaultValue") not in (None, "", "false"):
            out.append("Default: " + text(str(argument["defaultValue"])) + ".")
        if argument.get("allValues"):
            out.append("Values: " + text(", ".join(argument["allValues"])) + ".")
    out.append(".El")


def main():
    dump = json.load(sys.stdin)["command"]
    version = sys.argv[1] if len(sys.argv) > 1 else ""
    out = [
        ".Dd " + DATE,
        ".Dt AGENTCTL 1",
        ".Os agentd" + (" " + version if version else ""),
        ".Sh NAME",
        ".Nm agentctl",
        ".Nd " + text(dump.get("abstract", "")).rstrip("."),
        ".Sh SYNOPSIS",
        ".Nm",
        ".Ar command",
        ".Op Ar options",
        ".Op Ar arguments",
        ".Sh DESCRIPTION",
        ".Nm",
        "is the command-line client of agentd. Every command takes",
        ".Fl -socket Ar path",
        "and most take",
        ".Fl -json",
        "for machine-readable output on stdout; everything else goes to stderr.",
        ".Sh COMMANDS",
        ".Bl -tag -width 6n",
    ]
    for command in dump.get("subcommands", []):
        if not command.get("shouldDisplay", True) or command["commandName"] == "help":
            continue
        synopsis = " ".join(synopsis_item(a) for a in visible(command.get("arguments")))
        out.append(".It Nm agentctl Cm " + command["commandName"] + (" " + synopsis if synopsis else ""))
        out.append(text(command.get("abstract", "")))
        if command.get("discussion"):
            out.append(".Pp")
            out.append(text(command["discussion"]))
        describe_arguments(out, command.get("arguments"))
    out.append(".El")
    out.append(".Sh ENVIRONMENT")
    out.append(".Bl -tag -width 6n")
    for name, what in ENVIRONMENT:
        out += [".It Ev " + name, text(what)]
    out.append(".El")
    out.append(".Sh EXIT STATUS")
    out.append(".Bl -tag -width 6n")
    for code, what in EXIT_CODES:
        out += [".It " + code, text(what)]
    out.append(".El")
    # No agentd man page exists: point at the documents that do.
    out += [".Sh SEE ALSO", "docs/cli.md, docs/operations.md and docs/protocol.md in the agentd sources."]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
