/** Small concurrency helpers shared by every module. */
package org.wayleave.base.concurrent;
