#!/usr/bin/env python3
"""captures/xrdpini.py -- write a private copy of xrdp.ini with some keys replaced.

  xrdpini.py SRC DST Section.key=value ...

Used by captures/mk-rdp.sh so that xrdp runs from a temporary configuration and nothing
under /etc is changed.  A key is replaced where it first appears in its section, as an
active line or as a commented-out default ("#key=" / ";key="); documentation comments
("; key=...", with a space) are left alone.  A key that does not appear is an error.
"""

import re
import sys


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    want = dict(a.split("=", 1) for a in sys.argv[3:])
    out, section, done = [], None, set()
    with open(src, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            m = re.match(r"\[(.*)\]$", s)
            if m:
                section = m.group(1)
            m = re.match(r"[#;]?([A-Za-z_.]+)\s*=", s)
            if m:
                key = f"{section}.{m.group(1)}"
                if key in want:
                    if key not in done:
                        out.append(f"{m.group(1)}={want[key]}\n")
                        done.add(key)
                    continue
            out.append(line)
    missing = set(want) - done
    if missing:
        print(f"xrdpini: not in {src}: {sorted(missing)}", file=sys.stderr)
        return 1
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
