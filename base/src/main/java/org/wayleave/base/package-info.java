/**
 * What the controller, the agent and the simulator agree on or all need, beside the {@code
 * wayleave.v1} contract: {@link org.wayleave.base.config} (how a circuit end becomes a
 * sub-interface, and how two device configurations differ), {@link org.wayleave.base.time}
 * (backoff, monotonic time, delayed tasks), {@link org.wayleave.base.pki} (the deployment's CA,
 * certificates and identities), {@link org.wayleave.base.secrets} (secrets named by reference) and
 * {@link org.wayleave.base.seed} (the PSN scenarios). It depends on nothing of theirs.
 */
package org.wayleave.base;
