package dev.kiln.local.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's scaling rules, with real child processes ({@code sleep}) standing in for functions and a launcher the
 * test completes by hand, so each step is observable.
 */
class InstancePoolTest {

    final List<CompletableFuture<Instance>> launches = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T10:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    synchronized CompletableFuture<Instance> launch() {
        CompletableFuture<Instance> f = new CompletableFuture<>();
        launches.add(f);
        return f;
    }

    synchronized void becomeReady(int launch) {
        try {
            Process p = new ProcessBuilder("sleep", "600").start();
            processes.add(p);
            launches.get(launch).complete(new Instance(p, 10_000 + launch, clock.instant()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized int launched() {
        return launches.size();
    }

    InstancePool pool(Scale scale) {
        return new InstancePool("fn", scale, this::launch, clock);
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void eachInstanceStartIsACountedColdStartAndAFailedOneIsNot() throws Exception {
        ColdStarts coldStarts = new ColdStarts();
        InstancePool pool = new InstancePool("fn", new Scale(0, 4, 10, 0, Duration.ofSeconds(60)), this::launch, clock, coldStarts);
        CompletableFuture<InstancePool.Lease> lease = pool.acquire();
        assertThat(coldStarts.summary()).as("nothing started yet").isNull();
        Thread.sleep(20);
        becomeReady(0);
        lease.get(5, java.util.concurrent.TimeUnit.SECONDS).release();
        assertThat(coldStarts.summary().count()).isEqualTo(1);
        assertThat(coldStarts.summary().lastMillis()).as("launch to ready").isGreaterThanOrEqualTo(20);
        pool.close();
    }

    @Test
    void aRequestWithNoInstanceStartsOneAndWaitsForIt() throws Exception {
        InstancePool pool = pool(new Scale(0, 4, 10, 0, Duration.ofSeconds(60)));
        assertThat(pool.size()).as("scaled to zero").isZero();
        CompletableFuture<InstancePool.Lease> lease = pool.acquire();
        assertThat(launched()).isEqualTo(1);
        assertThat(lease).isNotDone();
        becomeReady(0);
        assertThat(lease.get().port()).isEqualTo(10_000);
        lease.get().release();
        assertThat(pool.acquire().get().port()).as("the warm instance serves the next one").isEqualTo(10_000);
        assertThat(launched()).isEqualTo(1);
    }

    @Test
    void itScalesOutAboveTheTargetUpToMax() throws Exception {
        InstancePool pool = pool(new Scale(0, 2, 1, 0, Duration.ofSeconds(60)));
        CompletableFuture<InstancePool.Lease> first = pool.acquire();
        becomeReady(0);
        first.get();
        CompletableFuture<InstancePool.Lease> second = pool.acquire();
        assertThat(launched()).as("one in flight is the target: another starts").isEqualTo(2);
        assertThat(second.get().port()).as("meanwhile the busy one takes it (a soft target)").isEqualTo(10_000);
        becomeReady(1);
        assertThat(pool.acquire().get().port()).as("the new one is the least loaded").isEqualTo(10_001);
        pool.acquire().get();
        assertThat(launched()).as("max is 2").isEqualTo(2);
        assertThat(pool.inFlight()).isEqualTo(4);
    }

    @Test
    void containerConcurrencyIsAHardLimit() throws Exception {
        InstancePool pool = pool(new Scale(0, 1, 1, 1, Duration.ofSeconds(60)));
        CompletableFuture<InstancePool.Lease> first = pool.acquire();
        becomeReady(0);
        CompletableFuture<InstancePool.Lease> second = pool.acquire();
        assertThat(second).as("waits for the one request to finish").isNotDone();
        first.get().release();
        assertThat(second.get().port()).isEqualTo(10_000);
    }

    @Test
    void idleInstancesStopAfterRetentionDownToMin() throws Exception {
        InstancePool pool = pool(new Scale(1, 4, 1, 0, Duration.ofSeconds(60)));
        pool.warm();
        becomeReady(0);
        await().until(() -> pool.size() == 1);
        CompletableFuture<InstancePool.Lease> a = pool.acquire();
        CompletableFuture<InstancePool.Lease> b = pool.acquire();
        becomeReady(1);
        a.get().release();
        b.get().release();
        await().until(() -> pool.size() == 2);
        now.set(now.get().plusSeconds(30));
        pool.reap();
        assertThat(pool.size()).as("within retention").isEqualTo(2);
        now.set(now.get().plusSeconds(31));
        pool.reap();
        assertThat(pool.size()).as("min is 1").isEqualTo(1);
        await().until(() -> processes.stream().filter(Process::isAlive).count() == 1);
    }

    @Test
    void aCrashedInstanceIsReplacedByTheNextRequest() throws Exception {
        InstancePool pool = pool(new Scale(0, 4, 10, 0, Duration.ofSeconds(60)));
        CompletableFuture<InstancePool.Lease> first = pool.acquire();
        becomeReady(0);
        first.get();
        processes.get(0).destroyForcibly().waitFor();
        await().until(() -> pool.size() == 0);
        CompletableFuture<InstancePool.Lease> next = pool.acquire();
        assertThat(launched()).isEqualTo(2);
        becomeReady(1);
        assertThat(next.get().port()).isEqualTo(10_001);
    }

    @Test
    void waitingRequestsFailWhenNoInstanceCanStart() {
        InstancePool pool = pool(new Scale(0, 4, 10, 0, Duration.ofSeconds(60)));
        CompletableFuture<InstancePool.Lease> lease = pool.acquire();
        launches.get(0).completeExceptionally(new IllegalStateException("exited with 1 before it was ready"));
        assertThat(lease).isCompletedExceptionally();
        assertThat(pool.lastFailure()).contains("exited with 1");
    }
}
