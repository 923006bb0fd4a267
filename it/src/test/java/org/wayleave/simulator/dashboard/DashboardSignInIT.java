package org.wayleave.simulator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wayleave.simulator.dashboard.DashboardIT.click;

import com.google.protobuf.Timestamp;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Txn;
import org.wayleave.simulator.SystemTools;

/**
 * The dashboard over HTTPS from a controller whose policy lets nobody read without signing in: the
 * page asks for a token at once (the API answers 401), a supplier's token is refused with a
 * readable reason, the NOC's signs in and the map, the live feed and acknowledging work; signing
 * out leaves nothing on the screen. No simulator: one circuit is set DOWN in the store, as the
 * reconciler would. The controller's certificate is from a test CA, so Chromium accepts it ({@code
 * acceptInsecureCerts}); it presents no client certificate.
 */
class DashboardSignInIT {
  static final String NOC_TOKEN = "noc-wall-sign-in-token-0b6e4f2d9a17";
  static final String SUPPLIER_TOKEN = "supplier-quillon-sign-in-token-5c8a1e3f";
  static final String CIRCUIT = "LPSN-CAM-0001";

  @TempDir Path dir;
  Controller controller;
  ChromeDriver driver;

  /** Chromium logs every 401 and 403 answer as a console error: here they are the point. */
  final List<String> expectedConsoleErrors =
      new ArrayList<>(List.of("status of 401", "status of 403", "401 (Unauthorized)"));

  @BeforeEach
  void start() throws Exception {
    Path chromium = SystemTools.require("chromium", "chromium");
    Path chromedriver = SystemTools.require("chromedriver", "chromium-driver");
    Path pki = dir.resolve("pki");
    Identity self = new Identity(Identity.Role.CONTROLLER, "ctl-1");
    Pki.init(pki, "Wayleave test", Duration.ofDays(1), Clock.systemUTC())
        .issue(
            self,
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(1),
            pki);
    AccessPolicy policy =
        AccessPolicy.parse(
            """
            tokens:
              noc:wall: %s
              supplier:quillon-carrier: %s
            http:
              anonymousRead: false
            """
                .formatted(AccessPolicy.sha256(NOC_TOKEN), AccessPolicy.sha256(SUPPLIER_TOKEN)),
            "test policy");
    controller =
        Controller.start(
            new ControllerConfig(
                    dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withSecurity(TlsFiles.in(pki, self), policy));
    controller
        .state()
        .apply(Op.upserts(Seeds.exampleCircuits("london"), "examples"), "test", "examples");
    CircuitStatus down =
        CircuitStatus.newBuilder()
            .setPhase(CircuitPhase.CIRCUIT_PHASE_DOWN)
            .setLastError("link down")
            .setPhaseTransitionTime(
                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
            .build();
    controller
        .store()
        .txn(
            Txn.builder(new Audit("test", "status"))
                .put(Kind.CIRCUIT_STATUS_PREFIX + CIRCUIT, down.toByteArray())
                .build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                controller.state().cache().circuitWithStatus(CIRCUIT).getStatus().getPhase()
                    == CircuitPhase.CIRCUIT_PHASE_DOWN);
    driver = DashboardIT.chrome(chromium, chromedriver, dir.resolve("chromium-profile"), true);
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void thePageAsksForATokenSignsInAcknowledgesAndSignsOut() throws Exception {
    try {
      walkThrough();
    } catch (Exception | AssertionError e) {
      try {
        DashboardIT.screenshot(driver, "sign-in-failed");
        DashboardIT.assertNoConsoleErrors(
            driver, expectedConsoleErrors, "browser-console-sign-in.log");
      } catch (Exception | AssertionError more) {
        e.addSuppressed(more);
      }
      throw e;
    }
    DashboardIT.assertNoConsoleErrors(driver, expectedConsoleErrors, "browser-console-sign-in.log");
  }

  private void walkThrough() throws Exception {
    String base = "https://127.0.0.1:" + controller.httpPort() + "/";
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    wait.ignoring(StaleElementReferenceException.class);

    // 1. Nothing to see without signing in: the dialog opens by itself, focus in the token field.
    driver.get(base);
    WebElement token =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-token")));
    wait.until(d -> token.equals(d.switchTo().activeElement()));
    assertThat(driver.findElement(By.id("sign-in-why")).getText()).contains("signed in");
    wait.until(ExpectedConditions.textToBe(By.id("who-name"), "Not signed in"));
    assertThat(driver.findElements(By.cssSelector("#london-map [data-council]"))).isEmpty();
    DashboardIT.screenshot(driver, "sign-in-1-asked");

    // 2. A supplier's token is refused, and says why.
    token.sendKeys(SUPPLIER_TOKEN);
    click(wait, By.id("sign-in-submit"));
    String refused =
        wait.until(
            d -> {
              WebElement e = d.findElement(By.id("sign-in-error"));
              return e.isDisplayed() ? e.getText() : null;
            });
    assertThat(refused)
        .contains("Not allowed")
        .contains("supplier:quillon-carrier")
        .contains("engineers and the NOC");
    assertThat(token.getDomAttribute("aria-invalid")).isEqualTo("true");
    DashboardIT.screenshot(driver, "sign-in-2-supplier-refused");

    // 3. The NOC's token: the map fills in and the live feed connects, without a reload.
    token.clear();
    token.sendKeys(NOC_TOKEN);
    click(wait, By.id("sign-in-submit"));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("sign-in")));
    wait.until(ExpectedConditions.textToBe(By.id("who-name"), "noc:wall"));
    wait.until(d -> d.findElements(By.cssSelector("#london-map [data-council]")).size() == 33);
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("[data-council='camden']"), "data-phase", "CIRCUIT_PHASE_DOWN"));
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "live"));
    Cookie session = driver.manage().getCookieNamed("wayleave-session");
    assertThat(session).isNotNull();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.isSecure()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getValue()).doesNotContain(NOC_TOKEN);
    DashboardIT.screenshot(driver, "sign-in-3-signed-in");

    // 4. Acknowledge on the alarm list: recorded as the signed-in principal.
    click(wait, By.cssSelector("a[data-nav='alarms']"));
    By row = By.cssSelector("tr[data-kind='DOWN'][data-circuit='" + CIRCUIT + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(row));
    assertThat(driver.findElements(By.id("a-by")))
        .allSatisfy(e -> assertThat(e.isDisplayed()).isFalse());
    click(
        wait,
        By.cssSelector(
            "tr[data-kind='DOWN'][data-circuit='" + CIRCUIT + "'] button[data-action='ack']"));
    wait.until(ExpectedConditions.attributeToBe(row, "data-acknowledged", "true"));
    String acknowledged = wait.until(d -> d.findElement(row).getText());
    assertThat(acknowledged).contains("Acknowledged by noc:wall");
    DashboardIT.screenshot(driver, "sign-in-4-acknowledged");

    // 5. Signing out reloads the page, which asks for a token again and shows no data.
    click(wait, By.id("sign-out"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-token")));
    wait.until(ExpectedConditions.textToBe(By.id("who-name"), "Not signed in"));
    assertThat(driver.manage().getCookieNamed("wayleave-session")).isNull();
    assertThat(driver.findElements(By.cssSelector("tr[data-circuit='" + CIRCUIT + "']"))).isEmpty();
    DashboardIT.screenshot(driver, "sign-in-5-signed-out");
  }
}
