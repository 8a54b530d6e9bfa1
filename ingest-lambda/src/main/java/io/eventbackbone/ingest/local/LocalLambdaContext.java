package io.eventbackbone.ingest.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/** The Lambda context of a local invocation: a fresh request id, a deadline, and a logger. */
public final class LocalLambdaContext implements Context {

    private final String requestId;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    public LocalLambdaContext(Duration timeout, Consumer<String> logLines) {
        this.requestId = UUID.randomUUID().toString();
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.logger = new LineLogger(logLines);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "local";
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return "ingest-local";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:ingest-local";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /** Hands each log call to the consumer as one line, without its trailing newline. */
    private static final class LineLogger implements LambdaLogger {
        private final Consumer<String> lines;

        LineLogger(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public void log(String message) {
            lines.accept(message.endsWith("\n") ? message.substring(0, message.length() - 1) : message);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
