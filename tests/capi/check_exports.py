"""Every function of the public C++ API is exported by libbudget_audit.so.

The shared library exports what cmake/budget_audit.map lists, name by name;
the CLI and the unit tests link the static library and would not notice a
public name missing there. This check does: it takes the names declared
directly in namespace budget_audit by include/budget_audit/*.h, finds the
functions the static library defines for them (their own, or members), and
requires each in the shared library's dynamic symbols. It also requires that
nothing but those names and the C ABI (ba_*) is exported.

Usage: check_exports.py INCLUDE_DIR LIBBA_CORE_A LIBBUDGET_AUDIT_SO
"""

import glob
import os
import re
import subprocess
import sys


def strip_template_args(line):
    """The line without its <...> template arguments (nested ones too), so that a return type
    like Result<std::function<std::string(int64_t)>> does not hide the function's name."""
    out, depth = [], 0
    for c in line:
        if c == "<":
            depth += 1
        elif c == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def public_names(include_dir):
    names = set()
    for path in sorted(glob.glob(os.path.join(include_dir, "budget_audit", "*.h"))):
        if path.endswith("/c.h"):
            continue
        stack = []
        for line in open(path, encoding="utf-8"):
            m = re.match(r"namespace ([\w:]+) \{", line)
            if m:
                stack.append(m.group(1))
                continue
            if re.match(r"\}\s*// namespace", line):
                stack.pop()
                continue
            if stack != ["budget_audit"] or line[:1] in ("", " ", "#", "/", "}"):
                continue
            m = re.match(r"(?:class|struct|enum(?: class)?)\s+(?:\[\[\w+\]\]\s+)?(\w+)", line)
            if m:
                names.add(m.group(1))
                continue
            m = re.match(r"[\w:,*& ]+?\b(\w+)\(", strip_template_args(line))
            if m:
                names.add(m.group(1))
                continue
            # Public data: extern const char* const kName[N];
            m = re.match(r"extern\b[\w:<>,*& ]+?\b(\w+)\s*(\[[^\]]*\])?\s*;", line)
            if m:
                names.add(m.group(1))
    return names


def defined(args):
    out = subprocess.run(["nm", "-C", "--defined-only"] + args, check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            syms.setdefault(parts[2], set()).add(parts[1])
    return syms


def main():
    include_dir, static_lib, shared_lib = sys.argv[1:4]
    names = public_names(include_dir)
    if not {"AuditLog", "LogSnapshot", "Status", "Env"} <= names:
        print(f"check_exports: the header scan found only {sorted(names)}", file=sys.stderr)
        return 1
    pattern = re.compile(r"budget_audit::(%s)(\(|::|\[abi|$)" % "|".join(sorted(names)))
    exported = defined(["-D", shared_lib])
    missing = []
    for sym, types in defined([static_lib]).items():
        if types & set("TDR") and pattern.match(sym) and sym not in exported:
            missing.append(sym)
    # Exported but not public: internals leaking out.
    extra = [s for s, t in exported.items()
             if not s.startswith("ba_") and not pattern.match(s)
             and not re.match(r"(vtable|typeinfo|typeinfo name) for budget_audit::(%s)\b"
                              % "|".join(sorted(names)), s)
             and t & set("TDBRV")]
    for s in sorted(missing):
        print(f"not exported (add it to cmake/budget_audit.map): {s}", file=sys.stderr)
    for s in sorted(extra):
        print(f"exported but not public: {s}", file=sys.stderr)
    if missing or extra:
        return 1
    print(f"check_exports: {len(names)} public names; every function of theirs exported, "
          f"nothing else but ba_*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
