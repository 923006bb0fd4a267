/**
 * The PSN scenarios: London's 33 boroughs and the eastern counties with their councils, suppliers,
 * sites, edge routers and example circuits, as the controller seeds its store and the simulator
 * builds its routers.
 */
package org.wayleave.base.seed;
