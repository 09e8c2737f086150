#!/usr/bin/env python3
"""Closing lines of `make test`: what did not run and why, read from ctest's --output-junit file.

Lists the tests CTest skipped (their "SKIPPED-ALL: <reason>" line), the tests that failed, and the
passed tests in which some checks were skipped (unittest's "... skipped '<reason>'" lines), so a
run that skipped the 4.4/4.6 checks (they need root) cannot pass for a complete one.
"""
import re
import sys
import xml.etree.ElementTree as ET



def status(tc):
    st = tc.get("status", "")
    if tc.find("failure") is not None or tc.find("error") is not None or st == "fail":
        return "failed"
    if tc.find("skipped") is not None or st in ("notrun", "disabled"):
        return "not run"
    return "passed"


def skip_reason(out):
    for line in out.splitlines():
        if line.startswith("SKIPPED-ALL:"):
            return line[len("SKIPPED-ALL:"):].strip()
    return "(no reason printed)"


def partial_skips(out):
    """{reason: count} of the unittest checks skipped inside a passed test."""
    reasons = {}
    for line in out.splitlines():
        m = re.search(r"\.\.\. skipped '(.*)'$", line)
        if m:
            reasons[m.group(1)] = reasons.get(m.group(1), 0) + 1
    return reasons


def main(path):
    try:
        cases = list(ET.parse(path).getroot().iter("testcase"))
    except (OSError, ET.ParseError) as e:
        print("test summary: cannot read %s (%s)" % (path, e))
        return 0
    by = {"passed": [], "failed": [], "not run": []}
    for tc in cases:
        by[status(tc)].append(tc)
    print()
    print("== Test summary (%d tests)" % len(cases))
    if by["failed"]:
        print("Failed: " + " ".join(tc.get("name") for tc in by["failed"]))
    partial = [(tc.get("name"), partial_skips(tc.findtext("system-out") or "")) for tc in by["passed"]]
    partial = [(n, r) for n, r in partial if r]
    if partial:
        print("Passed, but some checks were skipped:")
        for name, reasons in partial:
            for reason, n in sorted(reasons.items()):
                print("  %s: %d skipped: %s" % (name, n, reason))
    if by["not run"]:
        print("Not run (these checks did NOT happen):")
        for tc in by["not run"]:
            print("  %s: %s" % (tc.get("name"), skip_reason(tc.findtext("system-out") or "")))
    if not by["failed"] and not by["not run"] and not partial:
        print("Everything ran.")
    # the closing line, in the plain form CI systems read ("not run" tests count as skipped)
    print("Summary: %d passed, %d failed, %d skipped"
          % (len(by["passed"]), len(by["failed"]), len(by["not run"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "ctest-junit.xml"))
