/** HTTP (Vert.x): health and readiness now; the JSON API, metrics and dashboard grow here. */
package org.wayleave.controller.http;
