package org.wayleave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through Debian's chromedriver, set up as the dashboard's browser test
 * ({@code DashboardIT.chrome}) sets it up: the binaries named outright, so Selenium Manager never
 * downloads a browser or a driver; a profile of its own; about 1600 x 900 of page, a wall screen's
 * shape.
 */
final class Chromium {
  /** What to install when either is missing. */
  static final String INSTALL = "apt-get install chromium chromium-driver";

  /**
   * WebDriver only, not DevTools (whose per-Chromium-version modules are not on the class path):
   * Selenium's warning that none matches this Chromium is noise. Held so the level sticks.
   */
  private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  static {
    CDP_LOG.setLevel(Level.SEVERE);
  }

  private Chromium() {}

  /** Chromium and its driver on the PATH. */
  record Binaries(Path chromium, Path chromedriver) {}

  /** Both binaries, or empty when either is missing ({@link #missing} says which). */
  static Optional<Binaries> find() {
    Optional<Path> chromium = Programs.onPath("chromium");
    Optional<Path> driver = Programs.onPath("chromedriver");
    return chromium.isPresent() && driver.isPresent()
        ? Optional.of(new Binaries(chromium.get(), driver.get()))
        : Optional.empty();
  }

  /** Why {@link #find} found nothing, with what to install; null when it found both. */
  static String missing() {
    boolean browser = Programs.onPath("chromium").isPresent();
    boolean driver = Programs.onPath("chromedriver").isPresent();
    if (browser && driver) {
      return null;
    }
    String what =
        !browser && !driver
            ? "chromium and chromedriver are"
            : (browser ? "chromedriver" : "chromium") + " is";
    return what + " not on the PATH: " + INSTALL;
  }

  /**
   * A headless Chromium on a fresh profile under {@code profile}.
   *
   * @param acceptInsecureCerts true for a controller whose HTTPS certificate is from a CA the
   *     browser does not know (a test's or benchmark's own)
   */
  static ChromeDriver start(Binaries b, Path profile, boolean acceptInsecureCerts)
      throws IOException {
    System.setProperty("webdriver.chrome.driver", b.chromedriver().toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(b.chromium().toFile());
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
    options.setAcceptInsecureCerts(acceptInsecureCerts);
    ChromeDriver driver = new ChromeDriver(options);
    driver.manage().window().setSize(new Dimension(1600, 1040));
    return driver;
  }
}
