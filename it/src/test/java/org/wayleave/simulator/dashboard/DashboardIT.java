package org.wayleave.simulator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.simulator.SimulatedLondon;
import org.wayleave.simulator.Simulator;
import org.wayleave.simulator.SystemTools;

/**
 * The NOC dashboard in Debian's headless Chromium, against a controller polling the simulated
 * London PSN over SNMP (as {@code TelemetryIT} runs it): the London tile map, a link taken down
 * turning its council's tile DOWN without a reload, signing in with a NOC token and the alarm
 * acknowledged from the alarm list as that principal, and a circuit's traffic plot. Screenshots of
 * each step go to {@code target/screenshots/}; with {@code -Dwayleave.updateScreenshot=true} the
 * region view's also replaces {@code docs/dashboard.png}.
 *
 * <p>A system test: skipped when {@code chromium} or {@code chromedriver} is missing, unless
 * {@value SystemTools#REQUIRE}=1. Selenium is pointed at Debian's binaries, so Selenium Manager
 * never downloads a browser or a driver.
 */
class DashboardIT {
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final String CIRCUIT = "LPSN-CAM-0001";
  static final String DEVICE = "rtr-camden-01";
  static final String NOC_TOKEN = "noc-wall-dashboard-token-3f9c2a71e8b4";
  static final Path MODULE = Path.of(System.getProperty("basedir", "."));
  static final Path SCREENSHOTS = MODULE.resolve("target").resolve("screenshots");
  static final Path README_SCREENSHOT =
      MODULE.toAbsolutePath().getParent().resolve("docs").resolve("dashboard.png");

  /**
   * The test uses WebDriver only, not DevTools (whose per-Chromium-version modules it does not
   * depend on): Selenium's warning that none matches this Chromium is noise. Held here so the
   * logger and its level are not garbage collected.
   */
  static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  static {
    CDP_LOG.setLevel(Level.SEVERE);
  }

  @TempDir Path dir;
  SimulatedLondon london;
  Controller controller;
  Simulator sim;
  ChromeDriver driver;

  @BeforeEach
  void start() throws Exception {
    Path chromium = SystemTools.require("chromium", "chromium");
    Path chromedriver = SystemTools.require("chromedriver", "chromium-driver");

    // Anybody may look; acknowledging is recorded as the signed-in principal.
    london =
        SimulatedLondon.start(
            dir,
            INTERVAL,
            AccessPolicy.parse(
                """
                tokens:
                  noc:wall: %s
                http:
                  anonymousRead: true
                """
                    .formatted(AccessPolicy.sha256(NOC_TOKEN)),
                "test policy"));
    controller = london.controller;
    sim = london.sim;
    driver = chrome(chromium, chromedriver, dir.resolve("chromium-profile"), false);
  }

  /**
   * Debian's headless Chromium through its chromedriver, about 1600 x 900 of page.
   *
   * @param acceptInsecureCerts true for a controller whose HTTPS certificate is from a test CA
   */
  static ChromeDriver chrome(
      Path chromium, Path chromedriver, Path profile, boolean acceptInsecureCerts)
      throws IOException {
    // Debian's driver and browser, named outright: Selenium Manager is skipped when the driver's
    // path is given, so nothing is downloaded.
    System.setProperty("webdriver.chrome.driver", chromedriver.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    // Reduced motion: the page then changes colours without a transition the test could catch
    // midway.
    options.addArguments("--force-prefers-reduced-motion");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--user-data-dir=" + Files.createDirectories(profile));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    options.setAcceptInsecureCerts(acceptInsecureCerts);
    ChromeDriver driver = new ChromeDriver(options);
    // About 1600 x 900 of page, a wall screen's shape.
    driver.manage().window().setSize(new Dimension(1600, 1040));
    Files.createDirectories(SCREENSHOTS);
    return driver;
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (london != null) {
      london.close();
    }
  }

  @Test
  void theNocWatchesALinkGoDownAcknowledgesTheAlarmAndReadsACircuitsTraffic() throws Exception {
    try {
      walkThrough();
    } catch (Exception | AssertionError e) {
      // What the browser showed when it went wrong, for the CI artefacts.
      try {
        screenshot("failed");
        assertNoConsoleErrors();
      } catch (Exception | AssertionError more) {
        e.addSuppressed(more);
      }
      throw e;
    }
    assertNoConsoleErrors();
  }

  private void walkThrough() throws Exception {
    String base = "http://127.0.0.1:" + controller.httpPort() + "/";
    // Views re-render on live events: look elements up afresh and retry on a stale one.
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    wait.ignoring(StaleElementReferenceException.class);

    // 1. The London tile map: 33 councils, all ACTIVE, all one colour.
    driver.get(base);
    By londonTiles = By.cssSelector("#london-map [data-council]");
    wait.until(d -> d.findElements(londonTiles).size() == 33);
    wait.until(
        d ->
            d.findElements(londonTiles).stream()
                .allMatch(t -> "CIRCUIT_PHASE_ACTIVE".equals(t.getDomAttribute("data-phase"))));
    List<String> colours =
        wait.until(
            d -> {
              List<String> c =
                  d.findElements(londonTiles).stream()
                      .map(t -> t.getCssValue("background-color"))
                      .toList();
              return c.stream().distinct().count() == 1 ? c : null;
            });
    String activeColour = colours.get(0);
    assertThat(colours).as("every ACTIVE tile's colour").containsOnly(activeColour);
    List<String> councils =
        wait.until(
            d ->
                d.findElements(londonTiles).stream()
                    .map(t -> t.getDomAttribute("data-council"))
                    .toList());
    assertThat(councils)
        .contains(
            "enfield",
            "city-of-london",
            "croydon",
            "sutton",
            "bromley",
            "barking-and-dagenham",
            "camden");
    By camden = By.cssSelector("[data-council='camden']");
    String camdenText = wait.until(d -> d.findElement(camden).getText());
    assertThat(camdenText).contains("CAM").containsIgnoringCase("active");
    wait.until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "live"));
    // Marks this document: if the page reloaded, the mark would be gone.
    ((JavascriptExecutor) driver).executeScript("window.wayleaveTestMark = 'no reload';");
    screenshot("1-region");

    // 2. Camden's link goes down in the simulator; its tile turns DOWN with no reload.
    String subInterface = london.subInterface(DEVICE, CIRCUIT);
    sim.snmp(DEVICE).mib().setLinkUp(subInterface, false);
    wait.until(ExpectedConditions.attributeToBe(camden, "data-phase", "CIRCUIT_PHASE_DOWN"));
    assertThat(((JavascriptExecutor) driver).executeScript("return window.wayleaveTestMark;"))
        .isEqualTo("no reload");
    String downColour = wait.until(d -> d.findElement(camden).getCssValue("background-color"));
    String islingtonColour =
        wait.until(
            d ->
                d.findElement(By.cssSelector("[data-council='islington']"))
                    .getCssValue("background-color"));
    assertThat(islingtonColour).isEqualTo(activeColour);
    assertThat(downColour).as("the DOWN tile's colour").isNotEqualTo(activeColour);
    String camdenDown = wait.until(d -> d.findElement(camden).getText());
    assertThat(camdenDown).containsIgnoringCase("down");
    wait.until(
        ExpectedConditions.not(
            ExpectedConditions.attributeToBe(By.id("alarm-count"), "data-count", "0")));
    Path regionDown = screenshot("2-region-camden-down");
    if (Boolean.getBoolean("wayleave.updateScreenshot")) {
      Files.createDirectories(README_SCREENSHOT.getParent());
      Files.copy(regionDown, README_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    // 3. The alarm list shows Camden's DOWN alarm; acknowledge it there.
    click(wait, By.cssSelector("a[data-nav='alarms']"));
    By alarmRow = By.cssSelector("tr[data-kind='DOWN'][data-circuit='" + CIRCUIT + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(alarmRow));
    String acknowledged =
        wait.until(d -> d.findElement(alarmRow).getDomAttribute("data-acknowledged"));
    assertThat(acknowledged).isEqualTo("false");
    String rowText = wait.until(d -> d.findElement(alarmRow).getText());
    assertThat(rowText).contains(CIRCUIT).containsIgnoringCase("down");
    screenshot("3-alarms");

    // Sign in with the NOC's token (the dialog from the header), without reloading the page.
    wait.until(ExpectedConditions.textToBe(By.id("who-name"), "Not signed in"));
    click(wait, By.id("sign-in-open"));
    WebElement token =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-token")));
    assertThat(driver.switchTo().activeElement()).as("the token field has focus").isEqualTo(token);
    expectedConsoleErrors.add(
        "/api/v1/session - Failed to load resource: the server responded with a status of 401");
    token.sendKeys("not-the-token");
    click(wait, By.id("sign-in-submit"));
    String refused =
        wait.until(
            d -> {
              WebElement e = d.findElement(By.id("sign-in-error"));
              return e.isDisplayed() ? e.getText() : null;
            });
    assertThat(refused).contains("does not know that token");
    screenshot("3b-sign-in-refused");
    token = driver.findElement(By.id("sign-in-token"));
    token.clear();
    token.sendKeys(NOC_TOKEN);
    click(wait, By.id("sign-in-submit"));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("sign-in")));
    wait.until(ExpectedConditions.textToBe(By.id("who-name"), "noc:wall"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
    assertThat(((JavascriptExecutor) driver).executeScript("return window.wayleaveTestMark;"))
        .isEqualTo("no reload");
    String cookies =
        String.valueOf(((JavascriptExecutor) driver).executeScript("return document.cookie;"));
    assertThat(cookies).as("the session cookie is HttpOnly").doesNotContain("wayleave-session");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("a-as"), "noc:wall"));

    click(
        wait,
        By.cssSelector(
            "tr[data-kind='DOWN'][data-circuit='" + CIRCUIT + "'] button[data-action='ack']"));
    wait.until(ExpectedConditions.attributeToBe(alarmRow, "data-acknowledged", "true"));
    String ackedText = wait.until(d -> d.findElement(alarmRow).getText());
    assertThat(ackedText).contains("Acknowledged by noc:wall");
    assertThat(httpGet(base + "api/v1/alarms"))
        .as("the API's alarm list")
        .contains("\"circuit\":\"" + CIRCUIT + "\"")
        .contains("\"acknowledgedBy\":\"noc:wall\"");
    screenshot("4-alarm-acknowledged");

    // 4. An ACTIVE circuit's view, reached from its council's tile: its plot fills with points.
    Circuit active =
        controller.state().cache().list(Kind.CIRCUIT).stream()
            .filter(c -> c.getSpec().getCouncil().equals("islington"))
            .findFirst()
            .orElseThrow();
    assertThat(phase(active.getId())).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    click(wait, By.cssSelector("a[data-nav='region']"));
    click(wait, By.cssSelector("[data-council='islington']"));
    By circuitLink = By.cssSelector("tr[data-circuit='" + active.getId() + "'] a");
    wait.until(ExpectedConditions.elementToBeClickable(circuitLink));
    wait.until(
        d ->
            !d.findElements(By.cssSelector("tr[data-circuit='" + active.getId() + "'] svg.spark"))
                .isEmpty());
    screenshot("5-council");
    click(wait, circuitLink);
    By hourPlot = By.cssSelector("[data-plot='hour'][data-points]");
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d ->
                d.findElements(hourPlot).stream()
                    .anyMatch(p -> Integer.parseInt(p.getDomAttribute("data-points")) >= 2));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("[data-plot='day'][data-points]")));
    String circuitPhase =
        wait.until(d -> d.findElement(By.cssSelector("#ch-phase")).getDomAttribute("data-phase"));
    assertThat(circuitPhase).isEqualTo("CIRCUIT_PHASE_ACTIVE");
    List<String> conditions =
        wait.until(
            d ->
                d.findElements(By.cssSelector("#conditions tr[data-condition]")).stream()
                    .map(r -> r.getDomAttribute("data-condition"))
                    .toList());
    assertThat(conditions).contains("Applied", "LinkUp");
    screenshot("6-circuit");
  }

  /**
   * Clicks what the locator finds when it is clickable, looking it up again if a re-render replaced
   * it.
   */
  static void click(WebDriverWait wait, By locator) {
    wait.until(
        d -> {
          WebElement e = ExpectedConditions.elementToBeClickable(locator).apply(d);
          if (e == null) {
            return false;
          }
          e.click();
          return true;
        });
  }

  /** Console errors a step causes on purpose (Chromium logs every 4xx answer as one). */
  final List<String> expectedConsoleErrors = new ArrayList<>();

  /** Reports every browser console message to a file, and fails on errors (but those expected). */
  private void assertNoConsoleErrors() throws IOException {
    assertNoConsoleErrors(driver, expectedConsoleErrors, "browser-console.log");
  }

  static void assertNoConsoleErrors(
      ChromeDriver driver, List<String> expectedConsoleErrors, String logFile) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    try {
      driver.manage().logs().get(LogType.BROWSER).forEach(entries::add);
    } catch (RuntimeException unsupported) {
      Files.writeString(
          SCREENSHOTS.resolve(logFile), "browser log not available: " + unsupported + "\n");
      return;
    }
    String all =
        entries.stream()
            .map(e -> e.getLevel() + " " + e.getMessage())
            .collect(Collectors.joining("\n"));
    Files.writeString(
        SCREENSHOTS.resolve(logFile), all.isEmpty() ? "(no console messages)\n" : all + "\n");
    assertThat(entries)
        .filteredOn(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filteredOn(e -> expectedConsoleErrors.stream().noneMatch(e.getMessage()::contains))
        .as("browser console errors (all messages in target/screenshots/" + logFile + ")")
        .extracting(LogEntry::getMessage)
        .isEmpty();
  }

  private Path screenshot(String name) throws IOException {
    return screenshot(driver, name);
  }

  static Path screenshot(ChromeDriver driver, String name) throws IOException {
    Path file = SCREENSHOTS.resolve("dashboard-" + name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  private static String httpGet(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
    return r.body();
  }

  private CircuitPhase phase(String id) {
    return london.phase(id);
  }
}
