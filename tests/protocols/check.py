#!/usr/bin/env python3
"""The actors' typed protocols refuse what they do not take, at compile time.

Compiles tests/protocols/sends.cpp with the flags the build gives actors/dispatcher_actor.cpp
(compile_commands.json), once per SEND: 0 must compile, which shows the harness itself is
sound; every other must fail with CAF's "receiver does not accept given message".
Usage: check.py <build dir>
"""
import json
import os
import shlex
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1]
with open(os.path.join(build, "compile_commands.json")) as f:
    entries = json.load(f)
model = next(e for e in entries if e["file"].endswith("actors/dispatcher_actor.cpp"))
args, flags, skip = shlex.split(model["command"]), [], False
for arg in args[1:]:
    if skip:
        skip = False
    elif arg == "-o":
        skip = True
    elif arg not in ("-c", model["file"]):
        flags.append(arg)
source = os.path.join(here, "sends.cpp")
REFUSED = "receiver does not accept given message"
SENDS = 4

failures = []
for send in range(SENDS + 1):
    run = subprocess.run([args[0], "-fsyntax-only", f"-DSEND={send}"] + flags + [source],
                         cwd=model["directory"], capture_output=True, text=True)
    if send == 0 and run.returncode != 0:
        failures.append(f"SEND=0 (sends each protocol takes) did not compile:\n{run.stderr}")
    elif send > 0 and (run.returncode == 0 or REFUSED not in run.stderr):
        failures.append(f"SEND={send} was not refused as a message its receiver does not take:\n"
                        f"{run.stderr[-2000:]}")
for failure in failures:
    print(failure, file=sys.stderr)
print(f"protocols: {SENDS} wrong sends refused, {SENDS - len(failures)} as expected"
      if not failures else f"protocols: {len(failures)} of {SENDS + 1} checks failed")
sys.exit(1 if failures else 0)
