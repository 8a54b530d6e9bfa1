package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ./run-local.sh support's arguments are checked before anything is read, naming what is wrong. */
class SupportServerTest {

    private static void start(String... args) throws Exception {
        SupportServer.start(args, LocalStackSettings.from(Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).close();
    }

    @Test
    void theStackIsRequired() {
        assertThatThrownBy(() -> start("support", "--region", "eu-west-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("support needs --stack <name>");
    }

    @Test
    void theStackMustBeACloudFormationStackName() {
        assertThatThrownBy(() -> start("support", "--stack", "9-lives"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--stack must be a CloudFormation stack name (a letter, then letters, digits and -, at most"
                        + " 128); '9-lives' is not");
        assertThatThrownBy(() -> start("support", "--stack", "a".repeat(129)))
                .hasMessageContaining("at most 128");
    }

    @Test
    void anUnknownOrIncompleteOptionIsNamed() {
        assertThatThrownBy(() -> start("support", "--stack", "prod", "--port", "9000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown or incomplete support option '--port'");
        assertThatThrownBy(() -> start("support", "--stack"))
                .hasMessageStartingWith("unknown or incomplete support option '--stack'");
    }
}
