/**
 * Time, injected: {@link org.wayleave.base.time.Ticker} (monotonic nanoseconds, and waiting),
 * {@link org.wayleave.base.time.Scheduler} (a task after a delay) and {@link
 * org.wayleave.base.time.Backoff} (every retry's capped exponential delay), so tests advance time
 * instead of sleeping.
 */
package org.wayleave.base.time;
