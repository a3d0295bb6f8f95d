"""Writes generated Markdown into a hand-written document between two marker comments, leaving the rest as is."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess


def replace_between(path: str, name: str, body: str, placement: str = "after-title") -> None:
    """Puts `body` between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `path`.

    Without the markers the block is inserted after the first heading and the paragraph under it
    (`placement="after-title"`) or appended (`"end"`); a missing file is created with the block only.
    """
    begin, end = f"<!-- {name}:begin (generated; edit the script, not this block) -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body.rstrip()}\n{end}\n"
    text = open(path).read() if os.path.exists(path) else ""
    start = text.find(f"<!-- {name}:begin")
    if start >= 0:
        stop = text.find(end, start)
        if stop < 0:
            raise SystemExit(f"{path}: '{name}:begin' marker without '{end}'")
        text = text[:start] + block + text[stop + len(end):].lstrip("\n")
    elif placement == "after-title" and text.startswith("# "):
        # After the title and its first paragraph.
        title_end = text.find("\n") + 1
        paragraph_end = text.find("\n\n", title_end + 1)
        cut = len(text) if paragraph_end < 0 else paragraph_end + 2
        text = text[:cut] + block + "\n" + text[cut:]
    else:
        text = (text.rstrip() + "\n\n" if text else "") + block
    with open(path, "w") as file:
        file.write(text)


def machine() -> str:
    """One line: cores, CPU model, memory, kernel, Swift version, load average when measured."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as file:
            kib = int(file.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    swift = ""
    try:
        out = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=30).stdout
        swift = ", " + out.split("(")[0].strip().replace("Swift version", "Swift")
    except (OSError, subprocess.TimeoutExpired):
        pass
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({model}){memory}, Linux {platform.release()}{swift}; "
            f"load average {load:.2f} at the start")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
