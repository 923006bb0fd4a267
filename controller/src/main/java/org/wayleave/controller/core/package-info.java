/**
 * The controller core: resource kinds, validation, VLAN allocation, the planner (circuits to
 * per-device config) and the desired-state service that writes through the store.
 */
package org.wayleave.controller.core;
