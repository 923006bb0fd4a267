/**
 * The edge agent: dials the controller and applies pushed device configuration through a driver.
 */
package org.wayleave.agent;
