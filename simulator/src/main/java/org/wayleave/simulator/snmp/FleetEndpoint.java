package org.wayleave.simulator.snmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.snmp4j.TransportMapping;
import org.snmp4j.TransportStateReference;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.TransportListener;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;

/**
 * One router's UDP endpoint: a non-blocking channel the fleet's selector reads, and the snmp4j
 * {@link TransportMapping} its message dispatcher answers through. It has no thread and no
 * listeners of its own: the fleet hands every datagram to the dispatcher, and responses go straight
 * out of the channel.
 */
final class FleetEndpoint implements TransportMapping<UdpAddress> {
  /** The largest UDP payload over IPv4. */
  static final int MAX_DATAGRAM = 65_507;

  final RouterMib mib;
  final SnmpEndpoint settings;
  final DatagramChannel channel;
  final InetSocketAddress bound;

  /** v2c: the community answered. */
  final byte[] community;

  /** v3: built on the first request. Touched by the selector thread only. */
  V3Engine v3;

  /** Datagrams sent, shared by the fleet's endpoints. */
  private final AtomicLong sent;

  FleetEndpoint(
      RouterMib mib,
      SnmpEndpoint settings,
      DatagramChannel channel,
      InetSocketAddress bound,
      AtomicLong sent) {
    this.mib = mib;
    this.sent = sent;
    this.settings = settings;
    this.channel = channel;
    this.bound = bound;
    this.community = settings.isV3() ? null : settings.community().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Class<? extends Address> getSupportedAddressClass() {
    return UdpAddress.class;
  }

  @Override
  public UdpAddress getListenAddress() {
    return new UdpAddress(bound.getAddress(), bound.getPort());
  }

  @Override
  public void sendMessage(
      UdpAddress address,
      byte[] message,
      TransportStateReference tmStateReference,
      long timeoutMillis,
      int maxRetries)
      throws IOException {
    // No room in the socket buffer (0 bytes sent) means the datagram is lost, as UDP may lose it.
    if (channel.send(
            ByteBuffer.wrap(message),
            new InetSocketAddress(address.getInetAddress(), address.getPort()))
        > 0) {
      sent.incrementAndGet();
    }
  }

  @Override
  public void addTransportListener(TransportListener transportListener) {
    // The fleet's selector delivers incoming messages; nothing to register.
  }

  @Override
  public void removeTransportListener(TransportListener transportListener) {
    // See addTransportListener.
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public void listen() {
    // Bound and registered with the fleet's selector when the fleet started.
  }

  @Override
  public boolean isListening() {
    return channel.isOpen();
  }

  @Override
  public int getMaxInboundMessageSize() {
    return MAX_DATAGRAM;
  }

  @Override
  public String toString() {
    return "FleetEndpoint[" + mib.deviceId() + " " + bound + "]";
  }
}
