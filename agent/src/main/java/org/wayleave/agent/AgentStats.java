package org.wayleave.agent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one {@link AgentClient}'s session, counted by the parts that run it and read
 * through the client's observability methods.
 */
final class AgentStats {
  /** Sessions the controller acknowledged (its first message after our Hello). */
  final AtomicLong connects = new AtomicLong();

  /** Redials scheduled after a session ended or failed to open. */
  final AtomicLong reconnectAttempts = new AtomicLong();

  final AtomicLong pushesReceived = new AtomicLong();

  /** Pushes replaced by a newer one before they were applied. */
  final AtomicLong pushesCoalesced = new AtomicLong();

  /** Pushes applied whose configuration the router already carried. */
  final AtomicLong pushesRedundant = new AtomicLong();

  /** Pushes from a lower term than the agent follows (a deposed leader's), not applied. */
  final AtomicLong pushesRefused = new AtomicLong();

  final AtomicLong reportsSent = new AtomicLong();
  final AtomicLong driftsSent = new AtomicLong();
  final AtomicLong heartbeatsSent = new AtomicLong();
}
