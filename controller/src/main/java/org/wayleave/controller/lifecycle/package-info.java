/**
 * The controller as components: each part has a start and a stop, and {@link
 * org.wayleave.controller.lifecycle.Lifecycle} runs some on every controller and others only while
 * {@link org.wayleave.controller.lifecycle.Leadership} says this controller leads.
 */
package org.wayleave.controller.lifecycle;
