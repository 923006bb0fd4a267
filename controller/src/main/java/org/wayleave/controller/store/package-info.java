/**
 * The store contract: a revisioned key-value store with transactions, watch and an audit trail.
 * Implementations (embedded SQLite, etcd) pass one shared contract test suite.
 */
package org.wayleave.controller.store;
