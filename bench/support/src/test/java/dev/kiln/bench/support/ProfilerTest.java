package dev.kiln.bench.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilerTest {

    @Test
    void readsCollapsedStacksIntoLayersThreadsAndOwnFrames(@TempDir Path dir) throws Exception {
        Path collapsed = dir.resolve("p.collapsed");
        Files.writeString(collapsed, String.join("\n",
                "[vert.x-eventloop-thread-1 tid=101];java/lang/Thread.run;io/netty/handler/codec/http/HttpObjectDecoder.decode;io/netty/handler/codec/http/HttpObjectDecoder.splitHeader 40",
                "[vert.x-eventloop-thread-1 tid=101];java/lang/Thread.run;dev/kiln/eventing/Ingress.handle;sys_write_[k];tcp_sendmsg_[k] 30",
                "[vert.x-eventloop-thread-0 tid=100];java/lang/Thread.run;dev/kiln/eventing/Ingress.handle;io/cloudevents/core/message/MessageReader.toEvent 20",
                "[C2 CompilerThread0 tid=7];C2Compiler::compile_method 10", ""));
        Map<String, List<String>> layers = new LinkedHashMap<>();
        layers.put("Kiln eventing", List.of("dev/kiln/eventing/"));
        layers.put("Netty HTTP codec", List.of("io/netty/handler/codec/http/"));
        layers.put("kernel", List.of("_[k]"));
        layers.put("nobody", List.of("nothing/here"));

        Profiler.Summary s = Profiler.summary(collapsed, layers, 2);

        assertThat(s.samples()).isEqualTo(100);
        assertThat(s.layers().get("Kiln eventing")).isCloseTo(0.5, within(1e-9)); // a stack counts once per layer
        assertThat(s.layers().get("Netty HTTP codec")).isCloseTo(0.4, within(1e-9));
        assertThat(s.layers().get("kernel")).isCloseTo(0.3, within(1e-9));
        assertThat(s.layers().get("nobody")).isZero();
        assertThat(s.topSelf()).containsOnlyKeys("io/netty/handler/codec/http/HttpObjectDecoder.splitHeader", "tcp_sendmsg_[k]");
        // Threads by name, their ids dropped: one row per thread.
        assertThat(s.threads()).containsExactly(Map.entry("vert.x-eventloop-thread-1", 0.7), Map.entry("vert.x-eventloop-thread-0", 0.2));
        // Own frames by origin: Netty's decoder 40, the kernel 30, CloudEvents 20, the JIT 10.
        assertThat(s.origins()).containsExactly(Map.entry("Netty", 0.4), Map.entry("kernel", 0.3), Map.entry("CloudEvents SDK", 0.2),
                Map.entry("JVM and native (GC, JIT, libc)", 0.1));
        assertThat(s.markdown()).contains("| Netty HTTP codec | 40.0% |").contains("| kernel | 30.0% |").contains("| vert.x-eventloop-thread-1 | 70.0% |");
    }
}
