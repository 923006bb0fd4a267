/** Seed inventories (London, eastern counties) for demos and tests. */
package org.wayleave.controller.seed;
