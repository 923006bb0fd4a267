/**
 * Southbound: agent sessions over {@code AgentService.Connect}, full-state generation-numbered
 * pushes, and circuit status from what the agents report.
 */
package org.wayleave.controller.southbound;
