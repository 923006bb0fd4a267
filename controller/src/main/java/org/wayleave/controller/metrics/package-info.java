/**
 * Prometheus metrics: {@link org.wayleave.controller.metrics.ControllerMetrics} builds a Micrometer
 * registry with the controller's health and the JVM, adds the inventory that follows the
 * desired-state cache (a series per circuit and per router, a few per council), and renders both
 * for {@code GET /metrics}.
 */
package org.wayleave.controller.metrics;
