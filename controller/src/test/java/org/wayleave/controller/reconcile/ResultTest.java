package org.wayleave.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultTest {

  @Test
  void doneHasNoRequeueDelay() {
    assertThat(Result.done().isDone()).isTrue();
    assertThat(Result.done().requeueAfter()).isNull();
  }

  @Test
  void requeueAfterCarriesItsDelay() {
    Result result = Result.requeueAfter(Duration.ofSeconds(5));

    assertThat(result.isDone()).isFalse();
    assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(Result.requeueAfter(Duration.ZERO).isDone()).isFalse();
  }

  @Test
  void requeueAfterRejectsNullAndNegativeDelays() {
    assertThatThrownBy(() -> Result.requeueAfter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requeueAfter delay");
    assertThatThrownBy(() -> Result.requeueAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requeueAfter cannot be negative: PT-1S");
  }
}
