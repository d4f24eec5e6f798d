"""The real stack for browser tests: the admin served over HTTP (pytest-django's ``live_server``), a real Celery
worker process on Redis and PostgreSQL, the platform emulator over HTTP (the fixtures of
``tests/integration/conftest.py``), and a headless Chromium driven through Selenium.

The browser and its driver are Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them), used at
their installed paths: nothing is downloaded at run time. The admin renders in Simplified Chinese with
``fonts-wqy-microhei``. Every step saves a screenshot under ``var/e2e/<test>/``.
"""

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import skip_unless_ci

# The fixtures of the real stack, shared with the integration tests.
from tests.integration.conftest import (  # noqa: F401
    celery_worker_process,
    live_services,
    media_dir,
    sandbox,
    sandbox_server,
    worker,
)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS_DIR = Path(settings.BASE_DIR) / "var" / "e2e"
WAIT_SECONDS = 15

# Whether an element matching arguments[0] shows the text arguments[1], as Selenium's ``.text`` would see it:
# rendered elements only (a hidden one has no client rects), their rendered text (innerText).
RENDERED_TEXT_CONTAINS = r"""
return Array.from(document.querySelectorAll(arguments[0])).some(
    (element) => element.getClientRects().length > 0 && element.innerText.replace(/\u00a0/g, " ").includes(arguments[1])
);
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


class Browser:
    """The driver with the few moves the admin needs, and a screenshot per step."""

    def __init__(self, driver: webdriver.Chrome, base_url: str, screenshots: Path):
        self.driver = driver
        self.base_url = base_url
        self.screenshots = screenshots
        self.step = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def find(self, css: str) -> WebElement:
        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def click(self, css: str) -> None:
        # A page that is still settling may replace the element between finding and clicking it: find it again.
        for attempt in range(3):
            element = WebDriverWait(self.driver, WAIT_SECONDS).until(
                expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, css))
            )
            try:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
                element.click()
                return
            except StaleElementReferenceException:
                if attempt == 2:
                    raise

    def type(self, css: str, text: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def text(self, css: str = "body") -> str:
        return self.find(css).text

    def choose(self, field_id: str, search: str) -> None:
        """Pick ``search`` in an admin autocomplete (select2) field: open it, type, take the matching option."""
        self.click(f"#{field_id} + .select2 .select2-selection")
        field = self.find(".select2-container--open .select2-search__field")
        field.send_keys(search)
        option = f"//li[contains(@class, 'select2-results__option') and contains(normalize-space(.), '{search}')]"
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            expected_conditions.element_to_be_clickable((By.XPATH, option))
        ).click()

    def add_inline_row(self, prefix: str) -> int:
        """Click the inline's "add another" link; the index of the new row."""
        total = int(self.find(f"#id_{prefix}-TOTAL_FORMS").get_attribute("value"))
        self.click(f"#{prefix}-group .add-row a")
        self.find(f"#id_{prefix}-{total}-position, #id_{prefix}-{total}-id")
        return total

    def submit(self, name: str = "_save") -> None:
        self.click(f"input[type=submit][name={name}]")

    def run_action(self, action: str, object_ids: list[int]) -> None:
        """On a change list: tick the objects, choose the action, go."""
        for object_id in object_ids:
            self.click(f"input.action-select[value='{object_id}']")
        self.driver.find_element(By.CSS_SELECTOR, f"select[name=action] option[value={action}]").click()
        self.click("button[name=index]")

    def wait_for_text(self, text: str, css: str = "body", timeout: float = WAIT_SECONDS) -> None:
        """Wait until ``text`` shows in ``css``; else a screenshot and the page's errors in the failure."""
        try:
            # The page may be replaced while it is read (a submit's redirect still loading, a polling page
            # redrawing its rows). Element handles then go stale, and Chromium reports a node "that does not belong
            # to the document" as a plain WebDriverException, so the rendered text is read in one script inside the
            # page instead of element by element; a read during navigation is tried again on the next poll.
            WebDriverWait(self.driver, timeout, ignored_exceptions=[WebDriverException]).until(
                lambda driver: driver.execute_script(RENDERED_TEXT_CONTAINS, css, text)
            )
        except TimeoutException:
            self.shot("failed")
            errors = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist")]
            raise AssertionError(f"{text!r} not in {css} on {self.driver.current_url}; errors: {errors}") from None

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.screenshots / f"{self.step:02d}-{name}.png"
        # The whole page, not only the window: admin forms are long.
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1366, max(900, min(int(height) + 120, 6000)))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1366, 900)
        return path


@pytest.fixture(scope="session")
def chromium(django_db_setup) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the session (starting one costs about a second).

    After the test database (``django_db_setup``) and before the live server: torn down in the reverse order,
    the browser's kept-alive connections and the server's threads end before the database is dropped.
    """
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        skip_unless_ci(f"e2e tests need {CHROMIUM} and {CHROMEDRIVER} (Debian's chromium and chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1366,900",
        "--lang=zh-CN",
        "--no-proxy-server",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium, live_server, request) -> Browser:
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    screenshots = SCREENSHOTS_DIR / name
    shutil.rmtree(screenshots, ignore_errors=True)
    screenshots.mkdir(parents=True)
    chromium.delete_all_cookies()
    return Browser(chromium, live_server.url, screenshots)


@pytest.fixture
def merchant(transactional_db, django_user_model):
    """A staff superuser, as the demo login is."""
    return django_user_model.objects.create_superuser("merchant", "merchant@example.com", "shopadmin-e2e")


def wait_until(condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"still not true after {timeout} s: {what}")
