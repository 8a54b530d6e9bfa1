package io.eventbackbone.effects;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.effects.Attempt.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AttemptTest {

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"200, DELIVERED", "201, DELIVERED", "204, DELIVERED", "299, DELIVERED",
            "408, RETRY", "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY",
            "400, PARK", "401, PARK", "403, PARK", "404, PARK", "409, PARK", "422, PARK",
            "301, PARK", "302, PARK", "101, PARK"})
    void eachStatusClassHasItsVerdict(int status, Verdict verdict) {
        assertThat(Attempt.answered(status, "").verdict()).isEqualTo(verdict);
    }

    @Test
    void noAnswerIsRetried() {
        assertThat(Attempt.noAnswer("HttpTimeoutException request timed out").verdict()).isEqualTo(Verdict.RETRY);
    }

    @Test
    void anEffectThatCannotBeSentIsParked() {
        assertThat(Attempt.notSendable("invalid header value").verdict()).isEqualTo(Verdict.PARK);
    }

    @Test
    void theReasonKeepsTheStartOfALongAnswerOnOneLine() {
        String body = "line one\nline two " + "x".repeat(1000);

        String reason = Attempt.answered(400, body).describe();

        assertThat(reason).startsWith("HTTP 400: line one line two").doesNotContain("\n")
                .hasSizeLessThan(Attempt.BODY_EXCERPT_CHARS + 20);
    }
}
