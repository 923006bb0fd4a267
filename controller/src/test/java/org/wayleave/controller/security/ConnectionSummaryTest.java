package org.wayleave.controller.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A fleet connecting writes two lines at WARN, not one per connection. */
class ConnectionSummaryTest {
  final Logger logger = (Logger) LoggerFactory.getLogger("test.connections");
  final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void attach() {
    appender.start();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  List<String> warnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void tenThousandConnectionsAreTwoLines() {
    ConnectionSummary s =
        new ConnectionSummary(
            logger, "plaintext connections on the agent port", Duration.ofHours(1));
    for (int i = 0; i < 10_000; i++) {
      s.connected("127.0.0." + (i % 250 + 1));
    }
    s.flush();
    assertThat(warnings())
        .containsExactly(
            "plaintext connections on the agent port: the first from 127.0.0.1; more within 3600 s"
                + " are summed up in one line",
            "plaintext connections on the agent port: 10000 in the last 3600 s");
    assertThat(appender.list).hasSize(2); // DEBUG is off: no line per connection
  }

  @Test
  void aLoneConnectionIsOneLineAndTheNextSpellStartsAfresh() {
    ConnectionSummary s = new ConnectionSummary(logger, "c", Duration.ofHours(1));
    s.connected("a");
    s.flush();
    s.connected("b");
    s.connected("c");
    s.flush();
    assertThat(warnings())
        .containsExactly(
            "c: the first from a; more within 3600 s are summed up in one line",
            "c: the first from b; more within 3600 s are summed up in one line",
            "c: 2 in the last 3600 s");
  }

  @Test
  void eachConnectionIsThereAtDebug() {
    logger.setLevel(Level.DEBUG);
    ConnectionSummary s = new ConnectionSummary(logger, "c", Duration.ofHours(1));
    s.connected("a");
    s.connected("b");
    assertThat(appender.list.stream().filter(e -> e.getLevel() == Level.DEBUG)).hasSize(2);
  }
}
