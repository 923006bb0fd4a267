/**
 * Prometheus metrics: {@link org.wayleave.controller.metrics.ControllerMetrics} builds a Micrometer
 * registry with the controller's health, the JVM, and a series set per circuit and router that
 * follows the desired-state cache, and renders it for {@code GET /metrics}.
 */
package org.wayleave.controller.metrics;
