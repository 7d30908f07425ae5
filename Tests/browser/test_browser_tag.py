#!/usr/bin/env python3
"""The browser tag in real headless Chromium, against the real `barista serve` (the debug build).

A demo page on its own origin loads /sdk/barista.js, tracks views, renders recommendations that
change after a view, reports impressions and clicks with the recommendation_id, identifies the
visitor (stitching the anonymous history), holds everything back in waitForConsent mode until
consent, sends a beacon on page hide, and is refused from an origin the site does not allow.
Screenshots go to .build/browser-screenshots (out of git).

Run by scripts/test.sh after the Swift tests; needs chromium, chromium-driver and selenium
(scripts/setup.sh installs them).
"""
import gzip
import http.server
import os
import shutil
import socketserver
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import json

from harness import ROOT, SHOTS, api, check, chromium, cli, failures, serve, wait_for
from selenium.webdriver.common.by import By


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def static_server(directory):
    handler = lambda *a, **k: QuietHandler(*a, directory=directory, **k)  # noqa: E731
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    data = tempfile.mkdtemp(prefix="barista-browser-")
    os.makedirs(SHOTS, exist_ok=True)
    server = page_server = driver = None
    try:
        keys = cli("sites", "create", "shop", "--data-dir", data, "--json")
        sk, pk = keys["secret_key"], keys["publishable_key"]
        items = os.path.join(data, "items.jsonl")
        with open(items, "w") as f:
            for n in range(1, 13):
                kind = "tea" if n <= 6 else "coffee"
                f.write(json.dumps({"item_id": f"{kind}-{n}", "title": f"{kind.title()} no. {n}", "category": kind, "price": 4 + n,
                                    "currency": "EUR", "image_url": f"/img/{n}.png", "url": f"/products/{n}"}) + "\n")
        events = os.path.join(data, "events.jsonl")
        with open(events, "w") as f:
            # Other shoppers: tea people view teas together, coffee people coffees; coffee is more popular.
            for person in range(40):
                kind, span = ("tea", range(1, 7)) if person % 4 == 0 else ("coffee", range(7, 13))
                for step, n in enumerate(span):
                    f.write(json.dumps({"type": "track", "event": "Product Viewed", "user_id": f"p{person}",
                                        "timestamp": 1_790_000_000 + person * 100 + step, "properties": {"product_id": f"{kind}-{n}"}}) + "\n")
        cli("import", "items", items, "--data-dir", data, "--format", "jsonl", "--json")
        cli("import", "events", events, "--data-dir", data, "--format", "jsonl", "--json")

        server, host = serve(data)
        check(host is not None, "barista serve is listening")

        site = os.path.join(data, "site")
        shutil.copytree(os.path.join(ROOT, "Tests", "browser", "site"), site)
        page_server = static_server(site)
        origin = f"http://127.0.0.1:{page_server.server_address[1]}"
        status, _, _ = api(host, "PATCH", "/v1/settings", sk, {"allowed_origins": [origin]})
        check(status == 200, "allowed_origins set to the page's origin")

        # The tag as served: caching headers, a validator, and its size.
        with urllib.request.urlopen(host + "/sdk/barista.js") as response:
            source = response.read()
            etag = response.headers["ETag"]
            check("max-age" in response.headers["Cache-Control"] and etag, "the tag is cacheable with an ETag")
        request = urllib.request.Request(host + "/sdk/barista.js", headers={"If-None-Match": etag})
        try:
            urllib.request.urlopen(request)
            check(False, "a matching If-None-Match is answered 304")
        except urllib.error.HTTPError as error:
            check(error.code == 304, "a matching If-None-Match is answered 304")
        zipped = len(gzip.compress(source, 9))
        print(f"info  barista.js: {len(source)} bytes, {zipped} gzipped", flush=True)
        check(zipped < 5_000, "the tag is a few KB gzipped")

        driver = chromium(1200, 900)
        driver.set_script_timeout(30)

        def open_page(page_origin, wait=False):
            driver.get(f"{page_origin}/index.html?host={host}&key={pk}" + ("&wait=1" if wait else ""))
            check(wait_for(lambda: driver.execute_script("return window.baristaReady === true")), f"the tag loaded on {page_origin}")

        def run(script):
            """Runs async JavaScript; the script calls done(value) or done({error})."""
            return driver.execute_async_script("var done = arguments[arguments.length - 1];" + script)

        def profile(identifier, by=None):
            status, body, _ = api(host, "GET", f"/v1/profiles/{identifier}" + (f"?by={by}" if by else ""), sk)
            return body if status == 200 else None

        # 1. Recommendations change after a view.
        open_page(origin)
        aid = driver.execute_script("return barista.anonymousId()")
        before = run("barista.render('#recs', {strategy: 'for_you', limit: 4}).then(function (a) { done(a); }, function (e) { done({error: String(e)}); });")
        check("items" in before, f"recommendations render for a stranger: {before.get('error', '')}")
        first = [item["item_id"] for item in before.get("items", [])]
        check(len(driver.find_elements(By.CSS_SELECTOR, "#recs .barista-item")) == len(first) > 0, "the container is filled")
        driver.save_screenshot(os.path.join(SHOTS, "tag-before-view.png"))
        run("barista.track('Product Viewed', {product_id: 'tea-1'}); barista.flush().then(function () { done(true); }, function (e) { done(String(e)); });")
        after = run("barista.render('#recs', {strategy: 'for_you', limit: 4}).then(function (a) { done(a); }, function (e) { done({error: String(e)}); });")
        second = [item["item_id"] for item in after.get("items", [])]
        check(first != second and any(i.startswith("tea-") for i in second), f"after viewing a tea, for_you changes: {first} → {second}")
        driver.save_screenshot(os.path.join(SHOTS, "tag-after-view.png"))

        # 2. Impressions and clicks carry the recommendation_id.
        driver.find_elements(By.CSS_SELECTOR, "#recs .barista-item a")[0].click()
        check(wait_for(lambda: any(e.get("event") == "Product Clicked" and e["properties"].get("recommendation_id") == after.get("recommendation_id")
                                   for e in (profile(aid, "anonymous_id") or {}).get("recent_events", []))),
              "a click is tracked with the recommendation_id (sent by beacon as the page navigates)")
        events = (profile(aid, "anonymous_id") or {}).get("recent_events", [])
        check(any(e.get("event") == "Product List Viewed" and e["properties"].get("recommendation_id") for e in events),
              "the list's impression is tracked with its recommendation_id")

        # 3. The anonymous id survives a reload; identify stitches the anonymous history.
        open_page(origin)
        check(driver.execute_script("return barista.anonymousId()") == aid, "the anonymous id is kept in first-party storage")
        run("barista.identify('u-browser', {email: 'b@example.com'}); barista.flush().then(function () { done(true); });")
        known = profile("u-browser", "user_id") or {}
        check(aid in known.get("anonymous_ids", []) and any(v["item_id"] == "tea-1" for v in known.get("recently_viewed", [])),
              "identify stitches the anonymous history to the known person")

        decided = run("barista.decide(['home_hero']).then(function (a) { done(a); }, function (e) { done({error: String(e)}); });")
        check([d.get("placement") for d in decided.get("decisions", [])] == ["home_hero"], f"decide answers from the page: {decided}")

        # 4. waitForConsent sends nothing until consent is given.
        driver.execute_script("localStorage.clear()")
        open_page(origin, wait=True)
        shy = driver.execute_script("return barista.anonymousId()")
        check(shy != aid, "a cleared browser gets a new anonymous id")
        driver.execute_script("barista.page('Home'); barista.track('Product Viewed', {product_id: 'coffee-7'});")
        time.sleep(2)
        check(profile(shy, "anonymous_id") is None, "nothing reaches the server before consent")
        run("barista.consent({analytics: true, personalization: true}).then(function () { return barista.flush(); }).then(function () { done(true); }, function (e) { done(String(e)); });")
        consented = profile(shy, "anonymous_id") or {}
        names = [e.get("event") or e.get("type") for e in consented.get("recent_events", [])]
        check("Product Viewed" in names and consented.get("consent", {}).get("analytics") is True,
              f"after consent the held events arrive and the consent is recorded: {names}")

        # 5. A beacon on page hide delivers what is still queued.
        driver.execute_script("barista.track('Checkout Started', {value: 12});")
        driver.get("about:blank")
        check(wait_for(lambda: any(e.get("event") == "Checkout Started" for e in (profile(shy, "anonymous_id") or {}).get("recent_events", []))),
              "the queue is sent by sendBeacon when the page is hidden")

        # 6. An origin the site does not allow is refused.
        other = f"http://localhost:{page_server.server_address[1]}"  # another origin, with its own storage
        open_page(other)
        stranger = driver.execute_script("return barista.anonymousId()")
        refused = run("barista.track('Product Viewed', {product_id: 'tea-2'}); barista.flush().then(function () { done('sent'); }, function (e) { done('refused: ' + e); });")
        check(refused.startswith("refused"), f"a page on another origin cannot send events: {refused}")
        check(profile(stranger, "anonymous_id") is None, "nothing from the other origin was stored")
        status, _, headers = api(host, "POST", "/v1/events", pk, {"type": "track", "event": "X", "anonymous_id": "a"}, {"Origin": "https://evil.example"})
        check(status == 403, "the server refuses a publishable key from an origin it does not list")
        driver.save_screenshot(os.path.join(SHOTS, "tag-other-origin.png"))
    finally:
        if driver:
            driver.quit()
        if page_server:
            page_server.shutdown()
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    print(f"{'FAILED' if failures else 'passed'}: browser tag, {len(failures)} failure(s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
