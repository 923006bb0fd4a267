/** The Wayleave controller: wiring of store, core, northbound and HTTP into one process. */
package org.wayleave.controller;
