/**
 * Device configuration rules both sides apply: the deterministic sub-interface for a circuit end
 * ({@code <port>.<vlan>}, the circuit id as alias) and the difference between what a router carries
 * and what it should, which the controller plans with and the agent applies.
 */
package org.wayleave.base.config;
