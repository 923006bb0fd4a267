package org.wayleave.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress lines a benchmark writes while it runs: each on its own line prefixed {@code bench:
 * }, formatted in a given locale, and none at all when quiet.
 */
final class Progress {
  private final PrintStream err;
  private final Locale locale;
  private final boolean quiet;

  Progress(PrintStream err, Locale locale, boolean quiet) {
    this.err = err;
    this.locale = locale;
    this.quiet = quiet;
  }

  /** Progress on {@link System#err}, formatted in the default locale (as {@link String#format}). */
  static Progress toStderr() {
    return new Progress(System.err, Locale.getDefault(Locale.Category.FORMAT), false);
  }

  /** Writes {@code format} filled with {@code args}, unless quiet. */
  void say(String format, Object... args) {
    if (!quiet) {
      err.println("bench: " + String.format(locale, format, args));
    }
  }
}
