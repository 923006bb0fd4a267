package org.wayleave.controller.southbound;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.Ping;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.controller.status.AgentEvidence;

/**
 * One connected agent: what it last told us (applied generation, actual configuration with the
 * router's OS names for it, item errors) and the push it has not answered yet. Thread-safe; sends
 * are serialised.
 */
final class AgentSession implements AgentEvidence {
  private final String deviceId;
  private final StreamObserver<ControllerMessage> out;
  private final String agentVersion;
  private long appliedGeneration;
  private DeviceConfig actual;

  /** {@link #actual}'s sub-interfaces by name, built on first use after each change of it. */
  private Map<String, SubInterface> actualByName;

  // Volatile: read on every scrape and status, without the session's lock.
  private volatile Map<String, String> osNames;
  private List<ItemError> itemErrors = List.of();

  /** Generations pushed on this stream, newest last: a Report must answer one of them. */
  private final ArrayDeque<Long> pushedGenerations = new ArrayDeque<>();

  private boolean rejected;
  private long inFlightGeneration;
  private long inFlightSinceNanos;
  private Instant lastSeen;
  private boolean closed;

  AgentSession(
      String deviceId,
      String agentVersion,
      long appliedGeneration,
      DeviceConfig actual,
      Map<String, String> osNames,
      StreamObserver<ControllerMessage> out,
      Instant now) {
    this.deviceId = deviceId;
    this.agentVersion = agentVersion;
    this.appliedGeneration = appliedGeneration;
    this.actual = actual;
    this.osNames = Map.copyOf(osNames);
    this.out = out;
    this.lastSeen = now;
  }

  String deviceId() {
    return deviceId;
  }

  synchronized long appliedGeneration() {
    return appliedGeneration;
  }

  @Override
  public synchronized DeviceConfig actual() {
    return actual;
  }

  /**
   * As {@link AgentEvidence#actualSubInterface}, from an index of {@link #actual} built once per
   * report: every circuit's status asks, and a router carries hundreds.
   */
  @Override
  public synchronized SubInterface actualSubInterface(String name) {
    if (actual == null) {
      return null;
    }
    if (actualByName == null) {
      Map<String, SubInterface> byName = new HashMap<>();
      for (SubInterface s : actual.getSubInterfacesList()) {
        byName.putIfAbsent(s.getName(), s);
      }
      actualByName = byName;
    }
    return actualByName.get(name);
  }

  /** The router's OS names for ports and sub-interfaces, by Wayleave's name, where they differ. */
  Map<String, String> osNames() {
    return osNames;
  }

  @Override
  public synchronized List<ItemError> itemErrors() {
    return itemErrors;
  }

  @Override
  public synchronized long inFlightGeneration() {
    return inFlightGeneration;
  }

  synchronized long inFlightSinceNanos() {
    return inFlightSinceNanos;
  }

  synchronized Instant lastSeen() {
    return lastSeen;
  }

  synchronized void seen(Instant now) {
    lastSeen = now;
  }

  /** Generations remembered for {@link #wasPushed}: far more than can be unanswered at once. */
  static final int PUSHES_REMEMBERED = 64;

  /**
   * Whether {@code generation} was pushed on this stream (among the last {@value
   * #PUSHES_REMEMBERED}).
   */
  synchronized boolean wasPushed(long generation) {
    return generation > 0 && pushedGenerations.contains(generation);
  }

  synchronized long lastPushedGeneration() {
    Long last = pushedGenerations.peekLast();
    return last == null ? 0 : last;
  }

  /** Whether the last report refused the push whole: nothing it was sent counts as applied. */
  @Override
  public synchronized boolean rejected() {
    return rejected;
  }

  /**
   * A report: the answer to the push in flight if the generations agree. A null {@code actual}
   * keeps the last one, and its OS names.
   */
  synchronized void reported(
      long generation,
      boolean applied,
      boolean rejected,
      List<ItemError> errors,
      DeviceConfig actual,
      Map<String, String> osNames,
      Instant now) {
    if (actual != null) {
      this.actual = actual;
      this.actualByName = null;
      this.osNames = Map.copyOf(osNames);
    }
    this.rejected = rejected;
    this.itemErrors = List.copyOf(errors);
    if (applied) {
      appliedGeneration = Math.max(appliedGeneration, generation);
    }
    if (generation >= inFlightGeneration) {
      inFlightGeneration = 0;
    }
    lastSeen = now;
  }

  synchronized void drifted(DeviceConfig actual, Map<String, String> osNames, Instant now) {
    this.actual = actual;
    this.actualByName = null;
    this.osNames = Map.copyOf(osNames);
    lastSeen = now;
  }

  /** Forgets an unanswered push (lost, or timed out) so a new one may go. */
  synchronized void abandonPush() {
    inFlightGeneration = 0;
  }

  /** Sends a push and records it as in flight; false if the session is closed. */
  synchronized boolean push(
      long generation, long term, DeviceConfig desired, boolean keepUnowned, long nowNanos) {
    if (closed) {
      return false;
    }
    // Recorded before it is sent: the agent's report may come back before send returns.
    pushedGenerations.addLast(generation);
    if (pushedGenerations.size() > PUSHES_REMEMBERED) {
      pushedGenerations.removeFirst();
    }
    if (!send(
        ControllerMessage.newBuilder()
            .setPush(
                Push.newBuilder()
                    .setGeneration(generation)
                    .setTerm(term)
                    .setDesired(desired)
                    .setKeepUnownedVlans(keepUnowned))
            .build())) {
      return false;
    }
    inFlightGeneration = generation;
    inFlightSinceNanos = nowNanos;
    return true;
  }

  synchronized void ping(long nonce) {
    if (!closed) {
      send(ControllerMessage.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    }
  }

  /** Sends on the stream; a stream the agent already left marks the session closed. */
  private boolean send(ControllerMessage m) {
    try {
      out.onNext(m);
      return true;
    } catch (RuntimeException e) {
      closed = true;
      return false;
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Ends the stream (e.g. replaced by a newer session of the same device). */
  synchronized void close(Status status) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (status.isOk()) {
        out.onCompleted();
      } else {
        out.onError(status.asRuntimeException());
      }
    } catch (RuntimeException ignored) {
      // the stream may already be gone
    }
  }

  synchronized void markClosed() {
    closed = true;
  }
}
