/** The PSN simulator: many simulated routers, each with its agent, in one JVM. */
package org.wayleave.simulator;
