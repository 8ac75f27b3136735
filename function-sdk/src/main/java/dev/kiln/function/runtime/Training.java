package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import java.io.IOException;

/**
 * Training mode: serve the function on a free loopback port, send it its warm-up event many times in every
 * mode (binary, structured, batch) plus the health and metrics endpoints, then stop. Run under
 * {@code -XX:ArchiveClassesAtExit} (JDK 13–24) or {@code -XX:AOTCacheOutput} (JDK 25+), the JVM writes an
 * archive of exactly the classes the request path needs when the process exits; see
 * {@link dev.kiln.function.launch.JvmCommand}.
 *
 * <p>Training events carry the warm-up flag ({@link dev.kiln.function.Context#isWarmup()}), so a function
 * that skips side effects on warm-up does not send mail or write rows while an image is being built.
 */
final class Training {

    private Training() {
    }

    /**
     * @return the number of requests that did not get a 2xx (the warm-up event is refused, say); training
     *     still produced an archive, but the function's own code path is not in it
     */
    static int run(CloudFunction<?, ?> function, FunctionConfig config, int rounds) throws Exception {
        FunctionServer server = FunctionServer.start(function, config.withPort(0), "127.0.0.1");
        int refused = 0;
        try {
            for (int i = 0; i < rounds; i++) {
                for (EventCodec.Mode mode : EventCodec.Mode.values()) {
                    if (!server.exercise(mode).startsWith("2")) {
                        refused++;
                    }
                }
                server.get("/health/readiness");
                server.get("/health/liveness");
                if (i % 10 == 0) {
                    server.get("/metrics");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("training request failed: " + e.getMessage(), e);
        } finally {
            server.drain();
        }
        return refused;
    }
}
