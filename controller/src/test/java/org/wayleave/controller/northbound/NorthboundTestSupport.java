package org.wayleave.controller.northbound;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh seeded in-process controller for every test. */
abstract class NorthboundTestSupport {
  @TempDir Path dir;
  InProcessController c;

  @BeforeEach
  void startController() throws Exception {
    c = new InProcessController(dir);
  }

  @AfterEach
  void stopController() throws Exception {
    c.close();
  }
}
