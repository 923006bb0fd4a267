package org.wayleave.simulator.snmp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcher;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MessageProcessingModel;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.UdpAddress;
import org.wayleave.agent.SimRouter;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;

/**
 * Many simulated routers answering SNMP GET, GETNEXT and GETBULK, v2c and v3 (USM authPriv), each
 * at its own UDP endpoint, all served by one NIO selector thread.
 *
 * <p>Every router gets a non-blocking {@link DatagramChannel} bound at its (host, port): seeded
 * routers each have their own loopback address, so thousands of sockets are bound. snmp4j does the
 * BER, message processing and USM security: each endpoint is a thread-less {@link
 * org.snmp4j.TransportMapping} the selector feeds to a {@link MessageDispatcherImpl} ({@link
 * MessageDispatcherImpl#processMessage}) and responses leave through the endpoint's channel. v2c
 * routers share one dispatcher; a v3 router gets its own engine (engine id derived from its device
 * id, its own USM user) on its first request, so a v2c fleet of 10,000 stays light. v2c answers
 * only the configured community; v3 answers only authPriv requests of the configured user.
 *
 * <p>Without agents or a controller (a benchmark of pollers): build the routers, fill them, and
 * serve them:
 *
 * <pre>
 * SimRouter r = new SimRouter("rtr-1", List.of("ge-0/0/0", "ge-0/0/1"));
 * r.addForeign(SubInterface.newBuilder().setName("ge-0/0/1.100").setPort("ge-0/0/1").setCTag(100)
 *     .setAlias("LPSN-X-0001").setBandwidthMbps(100).setAdminUp(true).build());
 * try (SnmpFleet fleet = SnmpFleet.start(Map.of(r, SnmpEndpoint.v2c("127.0.0.1", 16161, "public")))) {
 *   ...
 * }
 * </pre>
 *
 * or {@code SnmpFleet.serve(Scenarios.snmpOnly(10_000, 10, secrets))} for the seeded scale routers.
 * {@link #close()} releases every socket and the thread.
 */
public final class SnmpFleet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnmpFleet.class);

  /** Datagrams read from one endpoint before the selector turns to the next. */
  private static final int READS_PER_TURN = 16;

  /** Room a v2c message needs around its PDU, besides the community. */
  private static final int V2C_OVERHEAD = 16;

  /**
   * Room a v3 message with privacy may need beyond what MPv3 already keeps back (padding,
   * octet-string wrapping).
   */
  private static final int V3_PRIVACY_OVERHEAD = 32;

  /**
   * A router to serve.
   *
   * @param mib the router's MIB (its faults and traffic)
   * @param endpoint where and how it answers
   */
  public record Member(RouterMib mib, SnmpEndpoint endpoint) {
    public Member {
      Objects.requireNonNull(mib, "mib");
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  /**
   * A router being served.
   *
   * @param address the bound address (with the actual port when the endpoint asked for port 0)
   */
  public record Binding(RouterMib mib, SnmpEndpoint endpoint, InetSocketAddress address) {
    public String deviceId() {
      return mib.deviceId();
    }
  }

  /**
   * Totals since start.
   *
   * @param received datagrams received
   * @param answered datagrams sent: responses, and v3 reports (engine discovery, time sync)
   * @param dropped requests not answered because of a silence or loss fault
   * @param refused requests not answered: wrong community, unknown version, failed security
   */
  public record Stats(long received, long answered, long dropped, long refused) {}

  private final Map<String, FleetEndpoint> endpoints;
  private final Selector selector;
  private final MessageDispatcherImpl v2c = new MessageDispatcherImpl();
  private final CounterSupport counters = new CounterSupport();
  private final Responder responder = new Responder();
  private SecurityProtocols protocols;
  private final Thread thread;
  private volatile boolean closing;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong answered;
  private final AtomicLong dropped = new AtomicLong();

  private SnmpFleet(Map<String, FleetEndpoint> endpoints, Selector selector, AtomicLong sent) {
    this.endpoints = endpoints;
    this.answered = sent;
    this.selector = selector;
    v2c.addMessageProcessingModel(new MPv2c());
    v2c.addCommandResponder(responder);
    this.thread = new Thread(this::run, "wayleave-snmp-fleet");
    thread.setDaemon(true);
  }

  /**
   * Serves routers shown in port-name order at 1 Gbit/s, on the system clock.
   *
   * @throws IllegalArgumentException if two routers have the same device id
   * @throws IllegalStateException naming the device, address and port of an endpoint that cannot be
   *     bound
   */
  public static SnmpFleet start(Map<SimRouter, SnmpEndpoint> routers) {
    List<Member> members = new ArrayList<>(routers.size());
    routers.forEach((router, endpoint) -> members.add(new Member(RouterMib.of(router), endpoint)));
    return serve(members);
  }

  /**
   * Binds an endpoint for every member and starts answering. On failure nothing stays bound.
   *
   * @throws IllegalArgumentException if two members have the same device id
   * @throws IllegalStateException naming the device, address and port of an endpoint that cannot be
   *     bound
   */
  public static SnmpFleet serve(Collection<Member> members) {
    Selector selector;
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open a selector for the SNMP fleet: " + e.getMessage(), e);
    }
    Map<String, FleetEndpoint> endpoints = new LinkedHashMap<>(members.size() * 2);
    AtomicLong sent = new AtomicLong();
    try {
      for (Member m : members) {
        if (endpoints.containsKey(m.mib().deviceId())) {
          throw new IllegalArgumentException(
              "members: device '" + m.mib().deviceId() + "' appears twice");
        }
        FleetEndpoint ep = bind(m, selector, sent);
        endpoints.put(m.mib().deviceId(), ep);
      }
    } catch (RuntimeException e) {
      endpoints.values().forEach(SnmpFleet::closeQuietly);
      closeQuietly(selector);
      throw e;
    }
    SnmpFleet fleet = new SnmpFleet(endpoints, selector, sent);
    fleet.thread.start();
    log.info("SNMP fleet: {} routers answering", endpoints.size());
    return fleet;
  }

  private static FleetEndpoint bind(Member m, Selector selector, AtomicLong sent) {
    SnmpEndpoint e = m.endpoint();
    String where =
        "device " + m.mib().deviceId() + ": cannot bind SNMP on " + e.host() + ":" + e.port();
    DatagramChannel channel = null;
    try {
      InetAddress host = InetAddress.getByName(e.host());
      channel =
          DatagramChannel.open(
              host instanceof Inet6Address
                  ? StandardProtocolFamily.INET6
                  : StandardProtocolFamily.INET);
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(host, e.port()));
      FleetEndpoint ep =
          new FleetEndpoint(
              m.mib(), e, channel, (InetSocketAddress) channel.getLocalAddress(), sent);
      channel.register(selector, SelectionKey.OP_READ, ep);
      return ep;
    } catch (IOException | RuntimeException ex) {
      closeQuietly(channel);
      String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      if (why.contains("Too many open files")) {
        why += " (raise the limit on open files, ulimit -n)";
      }
      throw new IllegalStateException(where + ": " + why, ex);
    }
  }

  /** The router served for {@code deviceId}. */
  public Binding binding(String deviceId) {
    FleetEndpoint ep = endpoints.get(deviceId);
    if (ep == null) {
      throw new NoSuchElementException("device: '" + deviceId + "' is not served over SNMP");
    }
    return new Binding(ep.mib, ep.settings, ep.bound);
  }

  /** Whether the fleet serves {@code deviceId}. */
  public boolean serves(String deviceId) {
    return endpoints.containsKey(deviceId);
  }

  /** Every router served, in the order given. */
  public List<Binding> bindings() {
    return endpoints.values().stream()
        .map(ep -> new Binding(ep.mib, ep.settings, ep.bound))
        .toList();
  }

  /** How many routers the fleet serves. */
  public int size() {
    return endpoints.size();
  }

  /** Datagrams received and answered so far, over all routers. */
  public Stats stats() {
    long r = received.get();
    long a = answered.get();
    long d = dropped.get();
    return new Stats(r, a, d, Math.max(0, r - a - d));
  }

  // ---- the selector thread ----

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(FleetEndpoint.MAX_DATAGRAM + 1);
    try {
      while (!closing) {
        selector.select(key -> readFrom(key, buffer));
      }
    } catch (ClosedSelectorException e) {
      // closing
    } catch (IOException e) {
      log.error("SNMP fleet: the selector failed, no more answers: {}", e.toString());
    }
  }

  private void readFrom(SelectionKey key, ByteBuffer buffer) {
    FleetEndpoint ep = (FleetEndpoint) key.attachment();
    try {
      readDatagrams(key, ep, buffer);
    } catch (RuntimeException e) {
      // One bad datagram must not stop the thread every router shares.
      log.warn("SNMP fleet: {} failed to read a request: {}", ep, e.toString());
    }
  }

  private void readDatagrams(SelectionKey key, FleetEndpoint ep, ByteBuffer buffer) {
    for (int i = 0; i < READS_PER_TURN; i++) {
      SocketAddress from;
      buffer.clear();
      try {
        from = ep.channel.receive(buffer);
      } catch (IOException e) {
        if (!closing) {
          log.warn("SNMP fleet: {} cannot receive, no longer served: {}", ep, e.toString());
        }
        key.cancel();
        return;
      }
      if (from == null) {
        return;
      }
      buffer.flip();
      byte[] message = new byte[buffer.remaining()];
      buffer.get(message);
      handle(ep, message, (InetSocketAddress) from);
    }
  }

  private void handle(FleetEndpoint ep, byte[] message, InetSocketAddress from) {
    received.incrementAndGet();
    if (!ep.mib.shouldAnswer()) {
      dropped.incrementAndGet();
      return;
    }
    MessageDispatcher dispatcher = v2c;
    try {
      if (ep.settings.isV3()) {
        if (ep.v3 == null) {
          ep.v3 = new V3Engine(ep.mib, ep.settings, protocols(), counters, responder);
        }
        ep.v3.followBoots(ep.mib.boots());
        dispatcher = ep.v3.dispatcher;
      }
      dispatcher.processMessage(
          ep, new UdpAddress(from.getAddress(), from.getPort()), ByteBuffer.wrap(message), null);
    } catch (RuntimeException e) {
      log.warn("SNMP fleet: {} failed to answer {}: {}", ep, from, e.toString());
    }
  }

  private SecurityProtocols protocols() {
    if (protocols == null) {
      // MD5, SHA-1 and DES too: the simulator plays old routers as well as new.
      protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
    }
    return protocols;
  }

  /**
   * Answers the requests the dispatchers decoded and authenticated. Runs on the selector thread.
   */
  private final class Responder implements CommandResponder {
    @Override
    public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
      event.setProcessed(true);
      FleetEndpoint ep = (FleetEndpoint) event.getTransportMapping();
      PDU request = event.getPDU();
      PDU response;
      int maxPdu = event.getMaxSizeResponsePDU();
      if (event.getMessageProcessingModel() == MessageProcessingModel.MPv2c) {
        if (ep.community == null || !Arrays.equals(ep.community, event.getSecurityName())) {
          return; // a wrong community gets no answer at all
        }
        maxPdu = Math.min(maxPdu, FleetEndpoint.MAX_DATAGRAM - ep.community.length - V2C_OVERHEAD);
        response = PduResponder.respond(request, ep.mib::view, maxPdu);
      } else if (event.getSecurityLevel() != SecurityLevel.AUTH_PRIV) {
        response = PduResponder.refuse(request, PDU.authorizationError); // v3 is authPriv only
      } else {
        response = PduResponder.respond(request, ep.mib::view, maxPdu - V3_PRIVACY_OVERHEAD);
      }
      if (response == null) {
        event
            .getMessageDispatcher()
            .releaseStateReference(event.getMessageProcessingModel(), event.getPduHandle());
        return;
      }
      try {
        event
            .getMessageDispatcher()
            .returnResponsePdu(
                event.getMessageProcessingModel(),
                event.getSecurityModel(),
                event.getSecurityName(),
                event.getSecurityLevel(),
                response,
                event.getMaxSizeResponsePDU(),
                event.getStateReference(),
                new StatusInformation());
      } catch (MessageException e) {
        log.warn("SNMP fleet: {} cannot answer {}: {}", ep, event.getPeerAddress(), e.getMessage());
      }
    }
  }

  /** Stops answering, then releases the thread and every socket. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    selector.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(selector);
    endpoints.values().forEach(SnmpFleet::closeQuietly);
    log.info("SNMP fleet stopped: {} routers", endpoints.size());
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
  }
}
