package org.wayleave.base.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on the loopback address, for child processes (etcd, controllers) that are told
 * their port on the command line. A port is taken below Linux's ephemeral range (32768-60999), so
 * no outgoing connection takes it between the check and the child's bind, and never twice in one
 * JVM.
 */
public final class LoopbackPorts {
  private static final Random RANDOM = new Random();
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
  private static final int FROM = 20_000;
  private static final int COUNT = 12_000;

  private LoopbackPorts() {}

  /**
   * A port nothing listens on now, not handed out before.
   *
   * @throws IOException if none is found within {@value #FROM}-31999
   */
  public static int free() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = FROM + RANDOM.nextInt(COUNT);
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    throw new IOException("no free loopback port found within " + FROM + "-" + (FROM + COUNT - 1));
  }
}
