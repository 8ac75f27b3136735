package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import java.io.IOException;

/**
 * Training mode: serve the function on a free loopback port, send it its warm-up event many times in binary mode
 * and call the health endpoints the kubelet probes, then stop. Run under {@code -XX:ArchiveClassesAtExit} (JDK 13–24) or
 * {@code -XX:AOTCacheOutput} (JDK 25+), the JVM writes an archive of exactly the classes that path needs when
 * the process exits; see {@link dev.kiln.function.launch.JvmCommand}.
 *
 * <p>Binary mode only, the mode Knative's brokers and channels deliver in: structured and batch mode load Jackson
 * and the CloudEvents JSON format, and a JDK 25 AOT cache loads everything it holds at start-up, so training them
 * would put about 600 classes and 9 MiB of resident memory on every cold start for a mode most functions never
 * see ({@code docs/benchmarks.md}). Their first request in a process loads them instead. {@code /metrics} is left
 * out for the same reason (its number formatting and the process's start time cost about 40 classes), since a
 * scrape is not what a cold start waits for.
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
    static int run(CloudFunction<?, ?> function, FunctionConfig config, int rounds, ClassPathFacts facts) throws Exception {
        FunctionServer server = FunctionServer.start(function, config.withPort(0), "127.0.0.1", facts);
        int refused = 0;
        try {
            for (int i = 0; i < rounds; i++) {
                if (!server.exercise().startsWith("2")) {
                    refused++;
                }
                server.get("/health/readiness");
                server.get("/health/liveness");
            }
        } catch (IOException e) {
            throw new IllegalStateException("training request failed: " + e.getMessage(), e);
        } finally {
            server.drain();
        }
        return refused;
    }
}
