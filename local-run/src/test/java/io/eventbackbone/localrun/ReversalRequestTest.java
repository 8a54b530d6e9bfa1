package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code ./run-local.sh reverse|revert}'s arguments as the request to the local API. */
class ReversalRequestTest {

    @Test
    void reverseBecomesAPostOfTheVersionReasonAndActorToTheAggregatesReversals() {
        ReversalRequest r = ReversalRequest.parse(new String[] {"reverse", "acct-1", "3", "--reason", "typo",
                "--actor", "support:ada"}, ReversalRequest.REVERSALS, "login");

        assertThat(r.uri(8080)).hasToString("http://localhost:8080/aggregates/acct-1/reversals");
        assertThat(r.body()).isEqualTo("{\"version\":3,\"reason\":\"typo\",\"actor\":\"support:ada\"}");
    }

    @Test
    void revertNamesTheVersionToGoBackToAndTheActorDefaultsToTheLoginAndDryRunIsAParameter() {
        ReversalRequest r = ReversalRequest.parse(new String[] {"revert", "a:b", "2", "--dry-run", "--reason", "back"},
                ReversalRequest.REVERSIONS, "ada");

        assertThat(r.uri(9000)).hasToString("http://localhost:9000/aggregates/a%3Ab/reversions?dryRun=true");
        assertThat(r.body()).isEqualTo("{\"toVersion\":2,\"reason\":\"back\",\"actor\":\"ada\"}");
    }

    @Test
    void aMissingReasonABadVersionOrAnUnknownOptionIsRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> ReversalRequest.parse(new String[] {"reverse", "a", "3"}, ReversalRequest.REVERSALS, null))
                .hasMessageContaining("--reason");
        assertThatThrownBy(() -> ReversalRequest.parse(new String[] {"reverse", "a", "three", "--reason", "r"},
                ReversalRequest.REVERSALS, null)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> ReversalRequest.parse(new String[] {"revert", "a", "2", "--reason", "r", "--force"},
                ReversalRequest.REVERSIONS, null)).hasMessageContaining("unknown option '--force'");
        assertThatThrownBy(() -> ReversalRequest.parse(new String[] {"reverse", "a"}, ReversalRequest.REVERSALS, null))
                .hasMessageContaining("an aggregate id and a version");
        assertThatThrownBy(() -> ReversalRequest.parse(new String[] {"reverse", "a", "1", "--reason"},
                ReversalRequest.REVERSALS, null)).hasMessageContaining("--reason needs a value");
    }
}
