package dev.kiln.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MachineTest {

    @Test
    void busyTimeLeavesOutIdleAndIowait() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        assertThat(Machine.busyTicks("cpu  1000 10 200 5000 300 0 40 5 0 0")).isEqualTo(1000 + 10 + 200 + 40 + 5);
    }

    static Stream<Arguments> stats() {
        return Stream.of(
                Arguments.of("a plain process", "1234 (java) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 30 0 5000 0 0",
                        new Machine.Proc(1234, 1, "java", 300, false)),
                Arguments.of("a name with spaces and parentheses", "77 (a (b) c) R 5 77 77 0 -1 4194304 0 0 0 0 1 2 0 0 20 0 1 0 1 0 0",
                        new Machine.Proc(77, 5, "a (b) c", 3, false)),
                Arguments.of("a kernel thread by its parent", "15 (ksoftirqd/1) S 2 0 0 0 -1 69238848 0 0 0 0 0 90 0 0 20 0 1 0 1 0 0",
                        new Machine.Proc(15, 2, "ksoftirqd/1", 90, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stats")
    void readsAProcessesStat(String name, String stat, Machine.Proc expected) {
        assertThat(Machine.parseStat(stat)).isEqualTo(expected);
    }

    @Test
    void othersAreEveryoneButTheBenchmarkAndTheKernel() {
        Machine.Sample a = new Machine.Sample(0, 1000, Map.of(
                10L, new Machine.Proc(10, 1, "bench", 100, false),
                20L, new Machine.Proc(20, 1, "mvn", 500, false),
                30L, new Machine.Proc(30, 2, "kworker", 0, true)));
        Machine.Sample b = new Machine.Sample(2_000_000_000L, 1000 + 300, Map.of(
                10L, new Machine.Proc(10, 1, "bench", 250, false),
                11L, new Machine.Proc(11, 10, "wrk", 20, false),
                20L, new Machine.Proc(20, 1, "mvn", 600, false),
                30L, new Machine.Proc(30, 2, "kworker", 10, true),
                40L, new Machine.Proc(40, 1, "chromium", 30, false)));
        Machine.Load load = Machine.between(a, b, Set.of(10L, 11L));
        assertThat(load.seconds()).isEqualTo(2.0);
        assertThat(load.busy()).isEqualTo(1.5);
        assertThat(load.own()).isEqualTo(0.85);
        assertThat(load.others()).isEqualTo(0.65); // mvn 100 ticks + chromium 30 new ticks, over 2 s
        assertThat(load.top()).extracting(Machine.Busy::name).containsExactly("mvn", "chromium");
    }

    @Test
    void aBusyMachineIsRefusedWithWhatIsBusy() {
        Machine.Load busy = new Machine.Load(3, 1.8, 0, 1.2, java.util.List.of(new Machine.Busy(42, "java (Maven)", 1.1)));
        assertThat(BenchRun.verdict(busy, 6.5, 0.1)).contains("1.20 of").contains("java (Maven) (pid 42) 1.10 CPU").contains("load average 6.5");
        assertThat(BenchRun.verdict(new Machine.Load(3, 0.05, 0, 0.05, java.util.List.of()), 0.2, 0.1)).isNull();
    }

    @Test
    void namesAJvmByWhatItRuns() {
        assertThat(Machine.javaMain(new String[] {"java", "-Xmx1g", "-cp", "a.jar:b.jar", "org.codehaus.plexus.classworlds.launcher.Launcher", "verify"}))
                .isEqualTo("(Maven)");
        assertThat(Machine.javaMain(new String[] {"/usr/bin/java", "-jar", "/x/y/receiver-loom.jar"})).isEqualTo("receiver-loom.jar");
        assertThat(Machine.javaMain(new String[] {"java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "dev.kiln.Main"})).isEqualTo("dev.kiln.Main");
    }

    @Test
    void theCommonOptionsAreTakenOutAndTheRestKept() {
        BenchRun.Common c = BenchRun.Common.parse(new String[] {"--seconds", "8", "--busy-ok", "--seed", "42", "/work/peer/src", "--steady-windows", "4"});
        assertThat(c.busyOk).isTrue();
        assertThat(c.seed).isEqualTo(42);
        assertThat(c.rule.windows()).isEqualTo(4);
        assertThat(c.rest).containsExactly("--seconds", "8", "/work/peer/src");
        assertThat(BenchRun.Common.parse(new String[] {"--busy-ok", "false"}).busyOk).isEqualTo("1".equals(System.getenv("KILN_BENCH_BUSY_OK")) && false);
    }
}
