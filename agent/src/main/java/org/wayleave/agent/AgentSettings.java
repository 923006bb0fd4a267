package org.wayleave.agent;

import java.time.Clock;
import java.time.Duration;
import org.wayleave.base.time.Backoff;

/**
 * The fixed settings of one {@link AgentClient}, as its {@link AgentClient.Builder} chose them,
 * shared by the parts that run its session.
 *
 * @param deviceId the device the agent speaks for
 * @param agentVersion reported in Hello
 * @param target the controller's authority, for logs
 * @param backoff the delays between redials
 * @param heartbeat the interval between heartbeats
 * @param establishTimeout how long one connection attempt may wait for the controller
 * @param stopTimeout how long stopping waits for a running apply and an owned channel
 * @param clock stamps heartbeats
 */
record AgentSettings(
    String deviceId,
    String agentVersion,
    String target,
    Backoff backoff,
    Duration heartbeat,
    Duration establishTimeout,
    Duration stopTimeout,
    Clock clock) {}
