/** Northbound gRPC: the inventory and circuit services, status mapping, health and reflection. */
package org.wayleave.controller.northbound;
