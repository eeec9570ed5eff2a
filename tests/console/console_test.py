#!/usr/bin/python3
"""The console in a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by python3-selenium) against a real dialerd in mock mode on a free loopback port.

    console_test.py --dialerd build/tools/dialerd --shots build/tests/console-screenshots <scenario>

Each scenario starts its own dialerd on a fresh store, saves a screenshot after each step
(<shots>/<scenario>-<n>-<step>.png), and on a failure names the step that failed and saves
the page as it was then.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

DEADLINE = 20  # seconds any one condition may take
API_KEY = "console-test-key-0123456789"


class StepFailed(Exception):
    pass


class Dialerd:
    """dialerd in mock mode on a free port, with every client dialable at any hour."""

    def __init__(self, binary, env_extra=None):
        self.dir = tempfile.mkdtemp(prefix="console-test-")
        env = dict(os.environ)
        env.update({
            "ENABLE_MOCK_MODE": "true",
            "DIALER_ACCESS_LOG": "false",
            "AIRCALL_SIM_RING_MS": "300",
            "AIRCALL_SIM_TALK_MS": "6000",  # long enough to be seen under load
            "AIRCALL_SIM_ANSWER_RATE": "1",
        })
        env.update(env_extra or {})
        self.key = (env_extra or {}).get("DIALER_API_KEYS")
        self.process = subprocess.Popen(
            [binary, "--db", os.path.join(self.dir, "db"), "--port", "0"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        deadline = time.monotonic() + DEADLINE
        for line in self.process.stdout:
            found = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found.group(1).rstrip("/")
                break
            if time.monotonic() > deadline:
                break
        if not self.url:
            self.stop()
            raise StepFailed("dialerd did not say where its console is")

    def api(self, method, path, body=None, content_type="application/json"):
        data = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def open_hours(self):
        status, _ = self.api("POST", "/api/dialer/config", {"settings": {
            "scheduling.businessHoursStart": "00:00", "scheduling.businessHoursEnd": "23:59",
            "scheduling.businessDays": [1, 2, 3, 4, 5, 6, 7],
            "scheduling.calleeWindowStart": "00:00", "scheduling.calleeWindowEnd": "23:59",
            "dialer.wrapUpSeconds": 600}})
        if status != 200:
            raise StepFailed(f"the test's settings were refused ({status})")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    def __init__(self, shots, scenario):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        self.profile = tempfile.mkdtemp(prefix="console-chromium-")
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", f"--user-data-dir={self.profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.shots = shots
        self.scenario = scenario
        self.count = 0

    def shot(self, step):
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = os.path.join(self.shots, f"{self.scenario}-{self.count:02d}-{name}.png")
        self.driver.save_screenshot(path)
        return path

    def wait(self, step, condition, timeout=DEADLINE):
        try:
            # The page redraws as events arrive: an element read as it is replaced is read again.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda d: condition())
        except TimeoutException:
            path = self.shot(f"failed {step}")
            logs = [e["message"] for e in self.driver.get_log("browser")]
            raise StepFailed(f"step '{step}' did not happen within {timeout} s "
                             f"(page saved in {path}; browser log: {logs[-5:]})")

    def find(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0] if found else None

    def type_into(self, css, keys):
        # A field redrawn as it is typed into (the page keeps what was typed) is found again.
        for _ in range(5):
            try:
                return self.find(css).send_keys(keys)
            except StaleElementReferenceException:
                continue
        raise AssertionError(f"{css} was redrawn five times while typing into it")

    def text(self, css):
        for _ in range(5):
            try:
                el = self.find(css)
                return el.text if el else ""
            except StaleElementReferenceException:
                continue
        return ""

    def errors(self):
        """Script errors and policy violations the page reported. Answers with an error status
        are the API's word, which the scenarios check themselves."""
        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


def step(browser, name, action):
    print(f"step: {name}", flush=True)
    try:
        result = action()
    except StepFailed:
        raise
    except Exception as error:  # noqa: BLE001 - any failure is reported with its step
        path = browser.shot(f"failed {name}")
        raise StepFailed(f"step '{name}' failed: {error!r} (page saved in {path})") from error
    browser.shot(name)
    return result


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# --- scenarios ---

def agent_calls(dialerd, b):
    """An agent starts, a call rings and ends, the agent dispositions it and the next comes."""
    dialerd.open_hours()
    status, _ = dialerd.api("POST", "/api/dialer/queue", {"clients": [
        {"phoneNumber": "+33612345601", "name": "Jeanne Martin", "notes": "Asked for a quote",
         "metadata": {"company": "ACME"}, "priority": 1},
        {"phoneNumber": "+33612345602", "name": "Paul Durand", "priority": 2}]})
    check(status == 200, "the clients were not queued")
    d = b.driver
    step(b, "open the agent screen", lambda: (d.get(dialerd.url + "/#/agent"),
         b.wait("the Aircall users are listed", lambda: b.find("#agent-aircall-user option"))))

    def start():
        field = b.find("#agent-user")
        field.clear()
        field.send_keys("alice")
        b.find("#agent-start").click()
        b.wait("the agent is started", lambda: b.text("#agent-status") not in ("", "not started"))
    step(b, "start as alice", start)

    step(b, "the first client rings and is answered", lambda: b.wait(
        "the call shows the client", lambda: "Jeanne Martin" in b.text("#agent-client")
        and "On the phone" in b.text("#agent-call h2")))
    check("Asked for a quote" in b.text("#agent-call"), "the client's notes are not shown")
    check("ACME" in b.text("#agent-call .metadata"), "the client's details are not shown")
    check(b.text("#agent-phone") == "+33612345601", "the number is not shown")

    step(b, "the call ends and the wrap-up starts", lambda: b.wait(
        "the wrap-up shows", lambda: "Wrap-up" in b.text("#agent-wrap-up")
        and "Last call" in b.text("#agent-call h2")))
    check(b.text("#agent-status") == "wrap-up", "the status is not wrap-up")

    def dispose():
        b.type_into("#agent-notes", "Wants a call next week")
        # The first disposition (Interested) by its keyboard shortcut.
        b.find("body").send_keys("1")
        b.wait("the disposition is saved", lambda: "Saved: Interested" in b.text("#agent-message"))
    step(b, "disposition by the key 1", dispose)

    step(b, "the next client comes", lambda: b.wait(
        "the second call shows", lambda: "Paul Durand" in b.text("#agent-client")))
    rows = dialerd.api("GET", "/api/dialer/history?clientId=%2B33612345601")[1]["callHistory"]
    check(rows and rows[0]["disposition"] == "interested", "history lacks the disposition")
    check("Wants a call next week" in rows[0]["notes"], "history lacks the agent's notes")
    step(b, "the session counts the call", lambda: b.wait(
        "one call counted", lambda: b.text("#agent-calls .value") in ("1", "2")))

    def export():
        b.driver.get(dialerd.url + "/#/history")
        b.wait("the history page", lambda: b.find("#history-export"))
        b.find("#history-export").click()
        b.wait("the export is done", lambda: "Exported" in b.text("#history-message"))
    step(b, "the history is exported as CSV by the server", export)
    check(re.search(r"Exported [1-9][0-9]* call", b.text("#history-message")),
          "the export counted no call: " + b.text("#history-message"))


def board_live(dialerd, b):
    """The board shows the agents and follows them live, from the feed alone."""
    dialerd.open_hours()
    d = b.driver
    step(b, "open the board", lambda: (d.get(dialerd.url + "/#/board"), b.wait(
        "the board is drawn", lambda: b.find("#tile-agents") and b.text("#feed-state") == "live")))
    check("No agent is working now" in b.text("#board-agents"), "agents shown before any started")

    users = dialerd.api("GET", "/api/dialer/aircall/users")[1]["users"]
    number = dialerd.api("GET", "/api/dialer/aircall/numbers")[1]["numbers"][0]["id"]
    for user, aircall in (("alice", users[0]["id"]), ("bob", users[1]["id"])):
        status, answer = dialerd.api("POST", f"/api/dialer/start/{user}",
                                     {"aircallUserId": aircall, "numberId": int(number)})
        check(status == 200, f"{user} did not start: {answer}")
    step(b, "both agents appear without a reload", lambda: b.wait(
        "both rows", lambda: b.find("tr[data-agent='alice']") and b.find("tr[data-agent='bob']")))
    b.wait("the available tile says 2", lambda: b.text("#tile-available .value") == "2")
    dialerd.api("POST", "/api/dialer/pause/bob", {"reason": "training"})
    step(b, "a pause shows with its reason", lambda: b.wait(
        "bob paused", lambda: "training" in b.text("tr[data-agent='bob']")))
    step(b, "the alert says nothing can be dialled", lambda: b.wait(
        "the alert", lambda: b.find("#board-alert") and b.find("#board-alert").is_displayed()
        and "Nothing can be dialled" in b.text("#board-alert")))
    dialerd.api("POST", "/api/dialer/queue", {"clients": [
        {"phoneNumber": "+33612345611", "name": "Live One"}]})
    step(b, "a call in progress shows and the alert goes", lambda: b.wait(
        "alice on a call", lambda: "on a call" in b.text("tr[data-agent='alice']")
        and not b.find("#board-alert").is_displayed()))
    step(b, "today's counts follow", lambda: b.wait(
        "one call today", lambda: b.text("#tile-today .value") == "1"))
    check(b.find("#board-hourly") is not None, "no calls-per-hour chart")
    chart_drawn = d.execute_script(
        "return !!window.Chart && !!Chart.getChart(document.getElementById('board-hourly'))")
    check(chart_drawn, "the chart library did not draw the chart")
    # Live, not polled: no reload of the page, and the agents were read again only after events.
    check(d.execute_script("return performance.getEntriesByType('navigation').length") == 1,
          "the page was reloaded")
    # One feed the whole time: the page's own feed module (the same instance the views use)
    # has had events and never opened another.
    feed = d.execute_async_script(
        "const done = arguments[0]; import('/console/feed.js').then(m => done(m.feedStats));")
    check(feed["events"] > 0 and feed["reconnects"] == 0, f"the feed was not one live feed: {feed}")


CSV = ("Phone,Full name,Company,Priority\n"
       "+33612345621,Claire Petit,ACME,3\n"
       "not a number,Bob,Nowhere,1\n"
       "+33 6 12 34 56 21,Claire again,ACME,3\n"
       "+33612345622,Blocked Person,,1\n"
       "+33612345623,<img src=x onerror=alert(1)>,Evil Corp,2\n")


EVIL = "<img src=x onerror=alert(1)>"
XSS_CSV = ("Phone,Full name,Company,Priority\n"
           f"+33612345623,{EVIL},<b>Evil</b> Corp,1\n"
           "+33612345621,Claire Petit,ACME,5\n")


def write_csv(text=CSV):
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
    handle.write(text)
    handle.close()
    return handle.name


def import_file(dialerd, b, text, shown, what):
    """Opens the empty queue and chooses a file of `text`, until `shown` (a selector) shows:
    the steps every import scenario begins with. Returns the file's path."""
    path = write_csv(text)
    step(b, "open the queue", lambda: (b.driver.get(dialerd.url + "/#/queue"),
         b.wait("the queue is listed", lambda: "0 item(s)" in b.text("#queue-list"))))
    step(b, f"choose the file: {what}", lambda: (
        b.find("#import-file").send_keys(path), b.wait(what, lambda: b.find(shown))))
    return path


def csv_import(dialerd, b):
    """A CSV file with bad rows is previewed (nothing queued), then queued."""
    dialerd.api("POST", "/api/dialer/do-not-call", {"phoneNumber": "+33612345622"})
    d = b.driver
    path = import_file(dialerd, b, CSV, "#import-summary", "a preview")
    check(b.text("#import-summary") == "5 row(s): 2 to queue, 3 refused", b.text("#import-summary"))
    refused = b.text("#import-errors")
    check("not a valid phone number" in refused, "the bad number is not explained")
    check("line 2 has it already" in refused, "the duplicate is not explained")
    check("do-not-call" in refused, "the do-not-call row is not explained")
    check(dialerd.api("GET", "/api/dialer/queue")[1]["totalCount"] == 0, "the preview queued clients")
    check(Select(b.find("select[data-field='phoneNumber']")).first_selected_option.text == "Phone",
          "the phone column was not found")

    step(b, "confirm: the valid rows are queued", lambda: (b.find("#import-confirm").click(), b.wait(
        "the result", lambda: "Queued 2 client(s); 3 refused" in b.text("#import-result"))))
    step(b, "the queue lists them", lambda: b.wait(
        "two items", lambda: "2 item(s)" in b.text("#queue-list")))
    os.unlink(path)

    # Past a page (50): Next reads the rest, Previous comes back.
    status, _ = dialerd.api("POST", "/api/dialer/queue",
                            {"phoneNumbers": ["+336123460%02d" % n for n in range(60)]})
    check(status == 200, "the 60 clients were not queued")
    rows = lambda: len(d.find_elements(By.CSS_SELECTOR, "#queue-list tbody tr"))
    step(b, "a full first page", lambda: (d.get(dialerd.url + "/#/queue"), d.refresh(), b.wait(
        "62 items, 50 shown", lambda: "62 item(s)" in b.text("#queue-list") and rows() == 50)))
    check(b.find("#queue-prev").get_attribute("disabled") is not None, "Previous on the first page")
    step(b, "next: the last 12", lambda: (b.find("#queue-next").click(), b.wait(
        "the second page", lambda: rows() == 12)))
    check(b.find("#queue-next").get_attribute("disabled") is not None, "Next on the last page")
    step(b, "previous: the first 50 again", lambda: (b.find("#queue-prev").click(), b.wait(
        "the first page", lambda: rows() == 50)))


def xss(dialerd, b):
    """A client named like markup, imported by CSV, renders as text everywhere."""
    dialerd.open_hours()
    path = write_csv(XSS_CSV)
    status, _ = dialerd.api("POST", "/api/dialer/queue/import", XSS_CSV, "text/csv")
    check(status == 200, "the import failed")
    d = b.driver
    d.get(dialerd.url + "/#/queue")
    step(b, "the queue shows the name as text", lambda: b.wait(
        "the row", lambda: EVIL in b.text("#queue-list")))
    check(not d.find_elements(By.CSS_SELECTOR, "#queue-list img"), "an <img> was made from the name")

    def preview():
        b.find("#import-file").send_keys(path)
        b.wait("the preview", lambda: b.find("#import-summary"))
    step(b, "the preview shows it as text", preview)
    check(EVIL in b.text("#import-box"), "the preview lost the name")
    check("<b>Evil</b> Corp" in b.text("#import-box"), "the preview lost the details")
    check(not d.find_elements(By.CSS_SELECTOR, "#import-box img"), "an <img> in the preview")

    dialerd.api("POST", "/api/dialer/start/alice", {"aircallUserId": "736640", "numberId": 404821})
    d.execute_script("localStorage.setItem('dialer.agent.userId', 'alice')")
    d.get(dialerd.url + "/#/agent")
    d.refresh()
    step(b, "the agent sees the name as text on a call", lambda: b.wait(
        "the evil client's call", lambda: b.text("#agent-client") == EVIL))
    check("<b>Evil</b> Corp" in b.text("#agent-call .metadata"), "the details are not text")
    check(not d.find_elements(By.CSS_SELECTOR, "#view img, #view b"), "markup made on the agent screen")
    check(not [e for e in b.errors() if "Content Security Policy" in e], "the page broke its CSP")
    os.unlink(path)


def settings(dialerd, b):
    """A bad value is refused with the server's reason at its field; a good one is saved."""
    d = b.driver
    step(b, "open the settings", lambda: (d.get(dialerd.url + "/#/settings"), b.wait(
        "the settings", lambda: b.find("#setting-dialer-maxRetries"))))

    def bad_value():
        field = b.find("#setting-dialer-maxRetries")
        field.clear()
        field.send_keys("99")
        b.find(".setting[data-key='dialer.maxRetries'] button.save").click()
        b.wait("the field's error", lambda: "between 0 and 10" in b.text(
            ".field-error[data-for='dialer.maxRetries']"))
    step(b, "a bad value is refused at its field", bad_value)
    check(dialerd.api("GET", "/api/dialer/config")[1]["configs"] and
          [c for c in dialerd.api("GET", "/api/dialer/config")[1]["configs"]
           if c["key"] == "dialer.maxRetries"][0]["value"] == 3, "the bad value was stored")

    def good_value():
        field = b.find("#setting-dialer-maxRetries")
        field.clear()
        field.send_keys("5")
        b.find(".setting[data-key='dialer.maxRetries'] button.save").click()
        b.wait("saved", lambda: "Saved" in b.text("#settings-message"))
    step(b, "a good value is saved", good_value)
    configs = dialerd.api("GET", "/api/dialer/config")[1]["configs"]
    check([c for c in configs if c["key"] == "dialer.maxRetries"][0]["value"] == 5, "not stored")
    secret = b.find("#setting-aircall-apiSecret")
    check(secret.get_attribute("type") == "password" and secret.get_attribute("value") == "",
          "a secret is shown")

    def do_not_call():
        b.find("#dnc-phone").send_keys("+33 6 12 34 56 99")
        b.find("#dnc-add").click()
        b.wait("listed", lambda: "+33612345699" in b.text("#dnc-list"))
    step(b, "a number joins the do-not-call list", do_not_call)


def api_key(dialerd, b):
    """With API keys on, the console's files are open and it asks for a key for the API."""
    d = b.driver
    step(b, "the console asks for a key", lambda: (d.get(dialerd.url + "/#/board"), b.wait(
        "the key dialog", lambda: b.find("#key-dialog") and b.find("#key-dialog").is_displayed())))

    def wrong_key():
        b.find("#key-input").send_keys("not-the-key")
        b.find("#key-form button").click()
        b.wait("asked again", lambda: b.find("#key-dialog").is_displayed()
               and "not valid" in b.text("#key-error"))
    step(b, "a wrong key is refused", wrong_key)

    def right_key():
        b.find("#key-input").send_keys(API_KEY)
        b.find("#key-form button").click()
        b.wait("the board with data", lambda: not b.find("#key-dialog").is_displayed()
               and b.text("#tile-agents .value") == "0" and b.text("#feed-state") == "live")
    step(b, "the right key opens the board and the feed", right_key)
    status, _ = dialerd.api("POST", "/api/dialer/start/alice",
                            {"aircallUserId": "736640", "numberId": 404821})
    check(status == 200, "alice did not start")
    step(b, "the feed carries the key: the board follows", lambda: b.wait(
        "alice appears", lambda: b.find("tr[data-agent='alice']")))


# As Excel saves it in French: a byte order mark, semicolons, and a phone column whose name
# the import does not know.
FRENCH_CSV = ("\ufeffNum\u00e9ro du client;Nom;Pr\u00e9nom;Soci\u00e9t\u00e9\r\n"
              "+33 6 12 34 56 31;Curie;Marie;ACME\r\n"
              "+33 6 12 34 56 32;Pasteur;Louis;\r\n")


def csv_french(dialerd, b):
    """A French spreadsheet's file: its separator and names are read; the phone column is chosen."""
    path = import_file(dialerd, b, FRENCH_CSV, "#import-phone-column",
                       "which column holds the phone number?")
    check(dialerd.api("GET", "/api/dialer/queue")[1]["totalCount"] == 0, "the file queued clients")

    def choose_column():
        Select(b.find("#import-phone-column")).select_by_visible_text("Num\u00e9ro du client")
        b.wait("the preview", lambda: b.find("#import-summary"))
    step(b, "choose the column: a preview", choose_column)
    check(b.text("#import-summary") == "2 row(s): 2 to queue, 0 refused", b.text("#import-summary"))
    check("Marie Curie" in b.text("#import-box"), "the first and last names were not joined")
    check(Select(b.find("select[data-field='firstName']")).first_selected_option.text ==
          "Pr\u00e9nom", "the first name column was not found")

    step(b, "confirm: both are queued", lambda: (b.find("#import-confirm").click(), b.wait(
        "the result", lambda: "Queued 2 client(s)" in b.text("#import-result"))))
    _, queue = dialerd.api("GET", "/api/dialer/queue")
    names = sorted(item["name"] for item in queue["queueItems"])
    check(names == ["Louis Pasteur", "Marie Curie"], f"queued as {names}")
    os.unlink(path)


SCENARIOS = {
    "agent-calls": (agent_calls, {}),
    "board-live": (board_live, {}),
    "csv-import": (csv_import, {}),
    "csv-french": (csv_french, {}),
    "xss": (xss, {}),
    "settings": (settings, {}),
    "api-key": (api_key, {"DIALER_API_KEYS": API_KEY}),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dialerd", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    for old in os.listdir(args.shots):
        if old.startswith(args.scenario + "-"):
            os.unlink(os.path.join(args.shots, old))
    run, env = SCENARIOS[args.scenario]
    dialerd = Dialerd(args.dialerd, env)
    browser = None
    try:
        browser = Browser(args.shots, args.scenario)
        run(dialerd, browser)
        severe = browser.errors()
        if severe:
            raise StepFailed(f"the page reported errors: {severe}")
    except (StepFailed, AssertionError) as failure:
        print(f"console {args.scenario}: FAILED: {failure}", file=sys.stderr)
        if browser and not isinstance(failure, StepFailed):
            print(f"  page saved in {browser.shot('failed')}", file=sys.stderr)
        return 1
    finally:
        if browser:
            browser.quit()
        dialerd.stop()
    print(f"console {args.scenario}: passed; screenshots in {args.shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
