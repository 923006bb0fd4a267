/** The embedded store: SQLite in WAL mode with fsync on every commit. */
package org.wayleave.controller.store.sqlite;
