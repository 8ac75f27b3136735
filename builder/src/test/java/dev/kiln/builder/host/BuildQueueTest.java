package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BuildQueueTest {

    @Test
    void oneBuildPerKeyWhileItRuns() throws Exception {
        try (BuildQueue queue = new BuildQueue(2)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            CompletableFuture<String> first = queue.submit("k", () -> {
                runs.incrementAndGet();
                release.await();
                return "built";
            });
            CompletableFuture<String> second = queue.submit("k", () -> {
                runs.incrementAndGet();
                return "again";
            });
            assertThat(second).isSameAs(first);
            assertThat(queue.inProgress()).isEqualTo(1);
            release.countDown();
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("built");
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void atMostMaxConcurrentBuildsRunAtOnce() throws Exception {
        try (BuildQueue queue = new BuildQueue(2)) {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            List<CompletableFuture<Integer>> builds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                builds.add(queue.submit("k" + i, () -> {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    Thread.sleep(50);
                    now.decrementAndGet();
                    return n;
                }));
            }
            for (int i = 0; i < 6; i++) {
                assertThat(builds.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
            }
            assertThat(peak).hasValue(2);
        }
    }

    @Test
    void aFailedBuildFailsItsCallersAndTheKeyCanBuildAgain() throws Exception {
        try (BuildQueue queue = new BuildQueue(1)) {
            CompletableFuture<String> failed = queue.submit("k", () -> {
                throw new HostBuildException("BuildFailed", "mvn package failed (exit 1)", List.of("[ERROR] boom"), null);
            });
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(HostBuildException.class).hasMessage("mvn package failed (exit 1)");
            // The key is released once the failure is delivered.
            for (int i = 0; i < 100 && queue.inProgress() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(queue.submit("k", () -> "retried").get(5, TimeUnit.SECONDS)).isEqualTo("retried");
        }
    }

    @Test
    void refusesNoWorkers() {
        assertThatThrownBy(() -> new BuildQueue(0)).hasMessage("maxConcurrent must be at least 1, got 0");
    }
}
