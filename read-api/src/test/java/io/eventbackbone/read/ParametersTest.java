package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.http.ProblemType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ParametersTest {

    private static Parameters of(String name, String value, String... known) {
        return new Parameters(Map.of(name, List.of(value)), known);
    }

    private static void refused(ThrowingCallable call, String parameter, String rule, String inMessage) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ReadProblem.class, e -> {
            assertThat(e.problem().type()).isEqualTo(ProblemType.INVALID_PARAMETER);
            assertThat(e.problem().rules()).containsExactly(rule);
            assertThat(e.problem().detail()).contains(parameter).contains(inMessage);
        });
    }

    @Test
    void theLimitIsAHundredWhenAbsentAndOneToAThousandWhenGiven() {
        assertThat(new Parameters(Map.of(), "limit").limit("limit")).isEqualTo(100);
        assertThat(of("limit", "1", "limit").limit("limit")).isEqualTo(1);
        assertThat(of("limit", "1000", "limit").limit("limit")).isEqualTo(1000);
        refused(() -> of("limit", "1001", "limit").limit("limit"), "limit", "range", "between 1 and 1000");
        refused(() -> of("limit", "0", "limit").limit("limit"), "limit", "range", "between 1 and 1000");
    }

    @Test
    void aNumberIsPlainDigitsNoSignNoSpaceNoFraction() {
        for (String bad : new String[] {"-1", "+1", " 1", "1.0", "1e3", "", "x", "9999999999999999999"}) {
            refused(() -> of("fromVersion", bad, "fromVersion").number("fromVersion", 1, 1), "fromVersion", "integer",
                    "whole number");
        }
        assertThat(of("fromVersion", "007", "fromVersion").number("fromVersion", 1, 1)).isEqualTo(7);
    }

    @Test
    void aVersionBelowItsMinimumNamesTheMinimum() {
        refused(() -> of("version", "0", "version").number("version", 1, 0), "version", "range", "at least 1");
    }

    @Test
    void anInstantIsIso8601WithAnOffsetAndFractionsAreKept() {
        assertThat(of("at", "2026-03-01T08:00:00.123456789Z", "at").instant("at"))
                .isEqualTo(Instant.parse("2026-03-01T08:00:00.123456789Z"));
        assertThat(of("at", "2026-03-01T09:00:00+01:00", "at").instant("at"))
                .isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
        for (String bad : new String[] {"2026-03-01", "2026-03-01T08:00:00", "yesterday", "1772352000000",
                "2026-02-30T00:00:00Z"}) {
            refused(() -> of("at", bad, "at").instant("at"), "at", "instant", "ISO-8601");
        }
    }

    @Test
    void theAcceptanceTimeMayAlsoBeTheHttpDateOfTheIngestsAnswer() {
        assertThat(of("acceptedAt", "Sun, 1 Mar 2026 08:00:00 GMT", "acceptedAt").instantOrHttpDate("acceptedAt"))
                .isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
        refused(() -> of("acceptedAt", "Sun, 1 Mar 2026", "acceptedAt").instantOrHttpDate("acceptedAt"),
                "acceptedAt", "instant", "HTTP date");
    }

    @Test
    void anUnknownParameterIsRefusedNamingTheOnesTheRouteTakes() {
        refused(() -> of("fromversion", "2", "fromVersion", "limit"), "fromversion", "unknown", "fromVersion, limit");
        refused(() -> of("x", "2"), "x", "unknown", "takes no query parameter");
    }

    @Test
    void aParameterGivenTwiceIsRefused() {
        refused(() -> new Parameters(Map.of("limit", List.of("1", "2")), "limit"), "limit", "once", "2 times");
    }

    @Test
    void anIdMustBeAnIdAsEventsCarryThem() {
        assertThat(of("aggregateId", "acc-1:x@y.z_", "aggregateId").id("aggregateId")).isEqualTo("acc-1:x@y.z_");
        refused(() -> new Parameters(Map.of(), "aggregateId").id("aggregateId"), "aggregateId", "required", "required");
        refused(() -> of("aggregateId", "a b", "aggregateId").id("aggregateId"), "aggregateId", "id", "1 to 128");
        refused(() -> of("aggregateId", "a".repeat(129), "aggregateId").id("aggregateId"), "aggregateId", "id", "128");
    }

    @Test
    void aQuotedValueIsShortenedSoAHugeOneCannotBloatTheAnswer() {
        assertThat(Parameters.shorten("x".repeat(10_000))).hasSize(67);
    }
}
