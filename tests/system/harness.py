"""Shared helpers for system tests: real processes on loopback, no fixed ports or sleeps.

Each test file is one ctest test (CMakeLists.txt globs tests/system/test_*.py) and
gets IMMO_BUILD (the build directory with the binaries) and IMMO_SRC.
"""
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("IMMO_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
IMMOSYNC = os.path.join(BUILD, "immosync")
EMU = os.path.join(BUILD, "onoffice-emu")

_failures = []
_passes = 0


def check(cond, what):
    """Records one assertion; the file's summary line and exit code report them all."""
    global _passes
    if cond:
        _passes += 1
    else:
        _failures.append(what)
        print("FAIL:", what, flush=True)


def finish():
    """Prints 'N passed, N failed' and exits non-zero on any failure."""
    print(f"{_passes} passed, {len(_failures)} failed", flush=True)
    sys.exit(1 if _failures else 0)


def tmpdir():
    base = os.path.join(BUILD, "tmp")
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix="sys-", dir=base)


class Server:
    """A serving process started with --listen 127.0.0.1:0; .url is its base URL."""

    def __init__(self, argv, env=None, timeout=15):
        self.stderr_path = os.path.join(tmpdir(), "stderr.log")
        self.stderr = open(self.stderr_path, "wb")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.argv0 = argv[0]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, env=full_env)
        self.url = None
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                ch = self.proc.stdout.read1(256) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(1)
                if not ch:
                    break
                line += ch
                if b"listening on " in line and b"\n" in line.split(b"listening on ", 1)[1]:
                    addr = line.split(b"listening on ", 1)[1].split(b"\n", 1)[0]
                    self.url = addr.decode().strip()
                    break
            if self.proc.poll() is not None:
                break
        if not self.url:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"{argv[0]} did not start: {self.log()}")
        host_port = self.url.split("://", 1)[1]
        self.host, self.port = host_port.rsplit(":", 1)
        self.port = int(self.port)

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends sig and returns (exit code, seconds until exit). An exit other than 0
        after SIGTERM prints the code and the end of the process's log, so a failure
        seen only in CI can be read there."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        secs = time.monotonic() - t0
        self.stderr.close()
        if sig == signal.SIGTERM and rc != 0:
            print(f"{os.path.basename(self.argv0)} exited {rc} {secs:.1f} s after SIGTERM; "
                  "its log ends:\n" + self.log()[-6000:], flush=True)
        return rc, secs


def run(argv, env=None, input=None, timeout=60):
    """Runs a command to completion; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, env=full_env, input=input,
                          timeout=timeout)


def sanitizer_clean(text):
    return "AddressSanitizer" not in text and "LeakSanitizer" not in text and \
        "runtime error:" not in text
