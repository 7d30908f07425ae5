#!/usr/bin/env python3
"""The marketer's dashboard in real headless Chromium, against the real `barista serve` (debug build).

Signs in (after a wrong password), builds a segment with the visual builder and sees its live size,
creates an experience and sees POST /v1/decide serve it, opens a profile, erases one (confirming),
imports a CSV with the progress bar, and checks that a POST without the CSRF token, without a
session, or from a viewer is refused, and that repeated failures lock an email out.
Screenshots of every page go to .build/browser-screenshots (out of git).

Run by scripts/test.sh; needs chromium, chromium-driver and selenium (scripts/setup.sh installs them).
"""
import http.cookiejar
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from harness import SHOTS, api, check, chromium, cli, failures, serve, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

ADMIN, ADMIN_PASSWORD = "ana@shop.example", "correct horse battery"
VIEWER, VIEWER_PASSWORD = "vic@shop.example", "viewer password 1"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_client():
    """A cookie-keeping client that does not follow redirects, for raw form posts."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def send(url, fields=None):
        data = None if fields is None else urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)
    return send


def sign_in_raw(host, email, password):
    send = form_client()
    _, page, _ = send(host + "/dashboard/login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    status, body, headers = send(host + "/dashboard/login", {"csrf": csrf, "email": email, "password": password, "next": "/dashboard"})
    return send, status, body, headers


def main():
    data = tempfile.mkdtemp(prefix="barista-dashboard-")
    os.makedirs(SHOTS, exist_ok=True)
    server = driver = None
    try:
        keys = cli("sites", "create", "shop", "--data-dir", data, "--json")
        pk = keys["publishable_key"]
        sk = keys["secret_key"]
        items = os.path.join(data, "items.jsonl")
        with open(items, "w") as f:
            for n in range(1, 13):
                kind = "tea" if n <= 6 else "coffee"
                f.write(json.dumps({"item_id": f"{kind}-{n}", "title": f"{kind.title()} no. {n}", "category": kind, "price": 4 + n,
                                    "currency": "EUR", "brand": "House" if n % 2 else "Hill"}) + "\n")
        events = os.path.join(data, "events.jsonl")
        with open(events, "w") as f:
            for person in range(40):
                kind, span = ("tea", range(1, 7)) if person % 4 == 0 else ("coffee", range(7, 13))
                f.write(json.dumps({"type": "identify", "user_id": f"p{person}", "timestamp": 1_790_000_000 + person * 100,
                                    "traits": {"email": f"p{person}@mail.example", "city": "Paris" if person % 2 else "Lyon"}}) + "\n")
                for step, n in enumerate(span):
                    f.write(json.dumps({"type": "track", "event": "Product Viewed", "user_id": f"p{person}",
                                        "timestamp": 1_790_000_000 + person * 100 + step + 1, "properties": {"product_id": f"{kind}-{n}"}}) + "\n")
                if person < 10:
                    f.write(json.dumps({"type": "track", "event": "Order Completed", "user_id": f"p{person}", "timestamp": 1_790_000_000 + person * 100 + 50,
                                        "properties": {"order_id": f"o{person}", "revenue": 20, "products": [{"product_id": f"{kind}-{span[0]}", "price": 20, "quantity": 1}]}}) + "\n")
        cli("import", "items", items, "--data-dir", data, "--format", "jsonl", "--json")
        cli("import", "events", events, "--data-dir", data, "--format", "jsonl", "--json")
        made = cli("users", "create", ADMIN, "--data-dir", data, "--json", env={"BARISTA_DASHBOARD_PASSWORD": ADMIN_PASSWORD})
        check(made["role"] == "admin", "barista users create makes an admin by default")
        cli("users", "create", VIEWER, "--role", "viewer", "--password-stdin", "--data-dir", data, "--json", stdin=VIEWER_PASSWORD + "\n")

        server, host = serve(data)
        check(host is not None, "barista serve is listening")

        driver = chromium(1280, 1000)

        def shot(name):
            driver.save_screenshot(os.path.join(SHOTS, f"dashboard-{name}.png"))

        # Sign-in: the overview sends a stranger to the login page and back.
        driver.get(host + "/dashboard/profiles")
        check(wait_for(lambda: "/dashboard/login" in driver.current_url), "a signed-out visit goes to the sign-in page")
        shot("login")
        driver.find_element(By.NAME, "email").send_keys(ADMIN)
        driver.find_element(By.NAME, "password").send_keys("wrong password!")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        check(wait_for(lambda: "do not match" in driver.page_source), "a wrong password is refused with a message")
        driver.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        check(wait_for(lambda: driver.current_url.endswith("/dashboard/profiles")), "signing in returns to the page asked for")
        cookie = driver.get_cookie("barista_session")
        check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Lax", "the session cookie is HttpOnly and SameSite")

        driver.get(host + "/dashboard")
        check(wait_for(lambda: "Overview" in driver.title), "the overview opens")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 1, "the overview draws its charts as inline SVG")
        check("40" in driver.find_element(By.CSS_SELECTOR, ".cards").text, "the overview counts the 40 profiles")
        shot("overview")

        # Segments: the builder writes the rule and shows the live size.
        driver.get(host + "/dashboard/segments")
        condition = driver.find_element(By.CSS_SELECTOR, ".groups .condition")
        event = condition.find_element(By.NAME, "event")
        event.clear()
        event.send_keys("Order Completed")
        Select(condition.find_element(By.NAME, "within")).select_by_value("")
        check(wait_for(lambda: driver.find_element(By.ID, "live-size").text == "10 people match"),
              "the builder shows the live size of 'ordered at least once' (10)")
        rule = json.loads(driver.find_element(By.ID, "rule").get_attribute("value"))
        check(rule == {"event": "Order Completed", "count": {"gte": 1}}, f"the builder writes API.md's JSON rule ({rule})")
        driver.find_element(By.CSS_SELECTOR, "[data-action=add-condition]").click()
        second = driver.find_elements(By.CSS_SELECTOR, ".groups .condition")[1]
        Select(second.find_element(By.NAME, "kind")).select_by_value("trait")
        second.find_element(By.NAME, "trait").send_keys("city")
        second.find_element(By.NAME, "value").send_keys("Paris")
        check(wait_for(lambda: driver.find_element(By.ID, "live-size").text == "5 people match"),
              "adding 'city is Paris' narrows it to 5")
        driver.find_element(By.ID, "segment-key").send_keys("paris-buyers")
        driver.find_element(By.ID, "segment-name").send_keys("Buyers in Paris")
        shot("segment-builder")
        driver.find_element(By.CSS_SELECTOR, "form.builder button[type=submit]").click()
        check(wait_for(lambda: "Saved segment paris-buyers" in driver.page_source), "the segment is saved")
        status, segment, _ = api(host, "GET", "/v1/segments/paris-buyers", sk)
        check(status == 200 and segment["size"] == 5, "the API sees the segment with its 5 people")
        shot("segments")

        # Experiences: create one running, then decide serves it.
        driver.get(host + "/dashboard/experiences")
        driver.find_element(By.ID, "exp-key").send_keys("hero-test")
        driver.find_element(By.ID, "exp-placement").send_keys("hero")
        control = driver.find_element(By.ID, "exp-control")
        control.clear()
        control.send_keys("0")
        payload = driver.find_element(By.ID, "v0-payload")
        payload.clear()
        payload.send_keys('{"headline": "Hello from the dashboard"}')
        driver.find_element(By.ID, "v1-key").clear()
        Select(driver.find_element(By.ID, "exp-status")).select_by_value("running")
        driver.find_element(By.CSS_SELECTOR, "form[action='/dashboard/experiences'] button[type=submit]:not([name])").click()
        check(wait_for(lambda: driver.current_url.endswith("/dashboard/experiences/hero-test")), "saving goes to the experience's report")
        status, answer, _ = api(host, "POST", "/v1/decide", pk, {"user": {"user_id": "p1"}, "placements": ["hero"]})
        decision = (answer or {}).get("decisions", [{}])[0]
        check(status == 200 and decision.get("experience") == "hero-test" and decision.get("payload", {}).get("headline") == "Hello from the dashboard",
              "POST /v1/decide serves the experience made in the dashboard")
        driver.refresh()
        check(wait_for(lambda: "What the results say" in driver.page_source), "the report page reads in words")
        shot("experience-report")
        driver.get(host + "/dashboard/experiences")
        shot("experiences")

        # Profiles: search, the 360° view, then erase with confirmation.
        driver.get(host + "/dashboard/profiles?q=p3%40mail")
        check(wait_for(lambda: "p3@mail.example" in driver.page_source), "profiles are found by email")
        driver.find_element(By.CSS_SELECTOR, "table a").click()
        check(wait_for(lambda: "Timeline" in driver.page_source and "Product Viewed" in driver.page_source), "a profile shows its timeline")
        check("Affinities" in driver.page_source and len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 1, "a profile shows affinity bars")
        shot("profile")
        driver.get(host + "/dashboard/profiles/p5")
        profile_id = re.search(r"Profile (\S+)", driver.find_element(By.TAG_NAME, "h1").text).group(1)
        driver.find_element(By.ID, "confirm").send_keys(profile_id)
        driver.find_element(By.CSS_SELECTOR, "button.danger").click()
        alert = driver.switch_to.alert
        check("cannot be undone" in alert.text, "erasing asks for confirmation")
        alert.accept()
        check(wait_for(lambda: "Profile erased" in driver.page_source), "the profile is erased")
        status, _, _ = api(host, "GET", "/v1/profiles/p5?by=user_id", sk)
        check(status == 404, "the erased person is gone from the API")
        shot("erased")

        # Recommendations, triggers, catalog (with an import) and settings.
        driver.get(host + "/dashboard/recommendations?who=user&id=p0")
        check(wait_for(lambda: "for_you" in driver.page_source and len(driver.find_elements(By.CSS_SELECTOR, ".item")) > 0),
              "the recommendations page shows every strategy's items")
        shot("recommendations")
        driver.get(host + "/dashboard/triggers")
        driver.find_element(By.ID, "definition").clear()
        driver.find_element(By.ID, "definition").send_keys(json.dumps({"key": "help-tip", "when": {"sequence": [{"event": "Page Viewed"}, {"event": "Page Viewed"}], "within": "30m"},
                                                                         "channel": "in_app", "content": {"payload": {"text": "Need help?"}}}))
        driver.find_element(By.CSS_SELECTOR, "form[action='/dashboard/triggers'] button[type=submit]:not([name])").click()
        check(wait_for(lambda: "help-tip" in driver.page_source and "Pause" in driver.page_source), "a trigger is created")
        driver.find_element(By.CSS_SELECTOR, "button[value=pause]").click()
        check(wait_for(lambda: api(host, "GET", "/v1/triggers/help-tip", sk)[1]["status"] == "paused"), "a trigger is paused from the page")
        shot("triggers")
        driver.get(host + "/dashboard/catalog")
        csv = os.path.join(data, "new-items.csv")
        with open(csv, "w") as f:
            f.write("item_id,title,category,price\n")
            for n in range(1, 1201):
                f.write(f"mug-{n},\"Mug, no. {n}\",mugs,{5 + n % 7}\n")
            f.write("bad-1,Broken,mugs,cheap\n")
        driver.find_element(By.ID, "csv-file").send_keys(csv)
        driver.find_element(By.CSS_SELECTOR, "form[data-import] button[type=submit]").click()
        check(wait_for(lambda: "Done: 1,200 items imported, 1 rejected" in driver.find_element(By.CLASS_NAME, "import-status").text, 60),
              "a CSV import reports its progress and its bad row")
        check(driver.find_element(By.TAG_NAME, "progress").get_attribute("value") == "1201", "the progress bar reaches the end")
        status, item, _ = api(host, "GET", "/v1/items/mug-7", sk)
        check(status == 200 and item["title"] == "Mug, no. 7", "imported items are in the catalog")
        shot("catalog")
        driver.get(host + "/dashboard/settings")
        holdout = driver.find_element(By.ID, "holdout")
        holdout.clear()
        holdout.send_keys("5")
        driver.find_element(By.CSS_SELECTOR, "form input[value=settings]").find_element(By.XPATH, "..").submit()
        check(wait_for(lambda: "Settings saved" in driver.page_source), "settings are saved")
        check(api(host, "GET", "/v1/settings", sk)[1]["global_holdout_percent"] == 5, "the holdout is 5% through the API")
        shot("settings")

        driver.get(host + "/dashboard/rewards")
        program = driver.find_element(By.ID, "program")
        program.clear()
        program.send_keys(json.dumps({"earn": [{"event": "Order Completed", "points_per_unit": 10, "unit": "revenue"}],
                                      "rewards": [{"key": "free-drink", "points": 150, "title": "A free drink"}]}))
        driver.find_element(By.CSS_SELECTOR, "form[action='/dashboard/rewards'] button[type=submit]").click()
        check(wait_for(lambda: "Programme saved" in driver.page_source and "A free drink" in driver.page_source), "the rewards programme is saved from its page")
        shot("rewards")

        # A phone-sized window still works.
        driver.set_window_size(390, 844)
        driver.get(host + "/dashboard")
        shot("overview-phone")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 400, f"the overview fits a phone without sideways scrolling ({width}px)")

        # Refusals: no CSRF token, no session, a viewer, repeated failures.
        send, status, _, headers = sign_in_raw(host, ADMIN, ADMIN_PASSWORD)
        check(status == 303, "a raw sign-in works")
        status, _, _ = send(host + "/dashboard/segments", {"key": "sneaky", "rule": '{"segment":"paris-buyers"}'})
        check(status == 403, "a POST without the CSRF token is refused (403)")
        check(api(host, "GET", "/v1/segments/sneaky", sk)[0] == 404, "and changes nothing")
        status, _, headers = form_client()(host + "/dashboard/segments", {"key": "sneaky", "rule": "{}"})
        check(status == 303 and "/dashboard/login" in headers.get("Location", ""), "a POST without a session goes to the sign-in page")
        viewer, status, _, _ = sign_in_raw(host, VIEWER, VIEWER_PASSWORD)
        _, page, _ = viewer(host + "/dashboard/segments")
        token = re.search(r'name="csrf" content="([0-9a-f]+)"', page).group(1)
        status, _, _ = viewer(host + "/dashboard/settings", {"csrf": token, "action": "settings", "holdout": "9"})
        check(status == 403, "a viewer cannot change settings")
        for attempt in range(5):
            sign_in_raw(host, VIEWER, "not the password")
        _, status, page, _ = sign_in_raw(host, VIEWER, VIEWER_PASSWORD)
        check(status == 429 and "Too many failed sign-ins" in page, "five failures lock the email out, even with the right password")
    finally:
        if driver:
            driver.quit()
        if server:
            server.terminate()
            server.wait(timeout=30)
    if failures:
        print(f"{len(failures)} dashboard checks failed", file=sys.stderr)
        sys.exit(1)
    print("all dashboard checks passed")


if __name__ == "__main__":
    main()
