package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard's views in headless Chromium, timed by the page itself: a script injected before
 * the page's own ({@code noc-shown.js}) notes on the page's clock, from navigation start, when the
 * view first shows its data and when that has been painted. Each load is a fresh navigation (from
 * {@code about:blank}) of a signed-in browser, after one unmeasured load of each view.
 *
 * <p>The browser signs in as the dashboard does: {@code POST /api/v1/session} with the NOC's token,
 * from the page, so it holds the HttpOnly session cookie. It trusts the controller's certificate by
 * {@code acceptInsecureCerts}: the run's CA is not in its store.
 */
final class NocBrowser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the views must show, for the injected script. */
  record Expect(
      int councils, int councilsWithCircuits, int circuits, String council, int councilCircuits) {
    /** Rows the council view shows: it stops at 1,000 and says how many there are. */
    int rows() {
      return Math.min(councilCircuits, 1000);
    }
  }

  /** One view's loads: the time each mark was reached per load, in ms, and the page's API calls. */
  record Loads(
      String view,
      String url,
      List<String> marks,
      List<double[]> runs,
      JsonNode last,
      Path screenshot) {}

  private final ChromeDriver driver;
  private final String base;
  private final Duration timeout;

  private NocBrowser(ChromeDriver driver, String base, Duration timeout) {
    this.driver = driver;
    this.base = base;
    this.timeout = timeout;
  }

  /** A Chromium on a fresh profile in {@code dir}, the timing script in every document. */
  static NocBrowser start(
      Chromium.Binaries b, Path dir, String base, Expect expect, Duration timeout)
      throws IOException {
    ChromeDriver driver = Chromium.start(b, dir.resolve("chromium-profile"), true);
    try {
      driver.manage().timeouts().pageLoadTimeout(timeout);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      driver.executeCdpCommand(
          "Page.addScriptToEvaluateOnNewDocument", Map.of("source", script(expect)));
      return new NocBrowser(driver, base, timeout);
    } catch (RuntimeException e) {
      driver.quit();
      throw e;
    }
  }

  private static String script(Expect e) throws IOException {
    ObjectNode x = BenchJson.object();
    x.put("councils", e.councils());
    x.put("councilsWithCircuits", e.councilsWithCircuits());
    x.put("circuits", e.circuits());
    x.put("council", e.council());
    x.put("councilCircuits", e.councilCircuits());
    x.put("rows", e.rows());
    try (InputStream in = NocBrowser.class.getResourceAsStream("noc-shown.js")) {
      if (in == null) {
        throw new IOException("noc-shown.js is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("__EXPECT__", JSON.writeValueAsString(x));
    }
  }

  /**
   * Signs in with {@code token} from the dashboard's page, as its sign-in dialog does; returns who
   * the controller then says the browser is.
   */
  JsonNode signIn(String token) throws IOException {
    driver.get(base);
    Object answer =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/session', {method: 'POST', credentials: 'same-origin',"
                + " headers: {'content-type': 'application/json',"
                + " 'x-requested-with': 'wayleave-dashboard'},"
                + " body: JSON.stringify({token: arguments[0]})})"
                + ".then((r) => r.text()).then(done, (e) => done('failed: ' + e));",
            token);
    JsonNode who = JSON.readTree(String.valueOf(answer));
    if (!who.path("signedIn").asBoolean() || !"session".equals(who.path("via").asText())) {
      throw new IllegalStateException("the browser could not sign in: " + answer);
    }
    return who;
  }

  /**
   * Loads {@code hash} (a dashboard route) {@code warmup + loads} times and keeps the last {@code
   * loads}; {@code marks} are the script's marks for the view. Saves a screenshot of the last.
   */
  Loads measure(String view, String hash, List<String> marks, int warmup, int loads, Path shot)
      throws IOException, InterruptedException {
    List<double[]> runs = new ArrayList<>();
    JsonNode last = null;
    for (int k = 0; k < warmup + loads; k++) {
      if (k == 0) {
        driver.get(base + hash);
      } else {
        // A reload, as a wall screen is reloaded: the page before is gone with its connections
        // (a page left for another stays in the back/forward cache holding its event stream,
        // and Chromium opens at most six connections to a host).
        driver.navigate().refresh();
      }
      last = awaitShown(view);
      double[] row = new double[marks.size()];
      for (int m = 0; m < marks.size(); m++) {
        row[m] = last.path(marks.get(m)).asDouble(Double.NaN);
      }
      if (k >= warmup) {
        runs.add(row);
      }
    }
    Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
    return new Loads(view, hash, marks, runs, last, shot);
  }

  /** Waits, bounded, for the injected script to say the view is shown and painted. */
  private JsonNode awaitShown(String view) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Object r =
          driver.executeScript(
              "const s = window.__wlShown; return s && s.done ? JSON.stringify(s) : null;");
      if (r != null) {
        return JSON.readTree(r.toString());
      }
      if (System.nanoTime() > deadline) {
        Object partial = driver.executeScript("return JSON.stringify(window.__wlShown || null);");
        throw new IllegalStateException(
            "the "
                + view
                + " view did not show its data within "
                + timeout.toSeconds()
                + " s (marks so far: "
                + partial
                + ")");
      }
      Thread.sleep(20);
    }
  }

  /** The browser's name and version, as chromedriver reports them. */
  String version() {
    return driver.getCapabilities().getBrowserName()
        + " "
        + driver.getCapabilities().getBrowserVersion();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
