/** The generic, level-triggered reconcile engine: a work queue of keys, per-key backoff, resync. */
package org.wayleave.controller.reconcile;
