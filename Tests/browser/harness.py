"""What the browser tests share: the debug binary, its CLI and HTTP API, a live `barista serve`,
Debian's headless Chromium, and the ok/FAIL report.

Chromium runs through Selenium with Debian's driver given explicitly and SE_AVOID_STATS set, so
Selenium Manager never reaches the internet.
"""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

os.environ["SE_AVOID_STATS"] = "true"  # or Selenium Manager tries the internet
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("BARISTA_BIN", os.path.join(ROOT, ".build", "debug", "barista"))
SHOTS = os.path.join(ROOT, ".build", "browser-screenshots")
failures = []


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message, flush=True)
    if not condition:
        failures.append(message)


def cli(*args, env=None, stdin=None):
    """Runs `barista ARGS…` and returns the JSON of its last output line."""
    out = subprocess.run([BINARY, *args], check=True, capture_output=True, text=True, input=stdin,
                         env={**os.environ, **(env or {})}).stdout
    return json.loads(out.strip().splitlines()[-1])


def api(host, method, path, key, body=None, headers=None):
    """One API call: (status, parsed JSON or the text when it is not JSON, response headers)."""
    request = urllib.request.Request(host + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", "Bearer " + key)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text, answer_headers = response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, text, answer_headers = error.code, error.read().decode(), dict(error.headers)
    try:
        return status, (json.loads(text) if text else None), answer_headers
    except ValueError:
        return status, text, answer_headers


def wait_for(predicate, seconds=15):
    """Polls `predicate` until it holds; an exception (a page between loads) counts as not yet."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return predicate()


def serve(data):
    """Starts `barista serve` on a free port over `data` (no background training); returns the
    process and its URL, or None when it never said it was listening."""
    server = subprocess.Popen([BINARY, "serve", "--data-dir", data, "--port", "0", "--no-train"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return server, match.group(1)
    return server, None


def chromium(width, height):
    """Debian's Chromium, headless, in a window of this size."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
