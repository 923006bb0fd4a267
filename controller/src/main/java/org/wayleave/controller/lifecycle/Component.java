package org.wayleave.controller.lifecycle;

/**
 * A part of the controller with a start and a stop. Components that run only while this controller
 * leads are started and stopped once per term, so their start must work again after a stop.
 */
public interface Component {
  /** A short name for logs: {@code store}, {@code device-reconciler}. */
  String name();

  /** Starts the component; it is ready to work when this returns. */
  void start() throws Exception;

  /** Stops it: when this returns it does no more work (pending work is dropped, not finished). */
  void stop();

  /** A component from two actions. */
  static Component of(String name, StartAction start, Runnable stop) {
    return new Component() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void start() throws Exception {
        start.run();
      }

      @Override
      public void stop() {
        stop.run();
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** What starting does. */
  @FunctionalInterface
  interface StartAction {
    void run() throws Exception;
  }
}
