package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate in front of a real Vert.x server, driven over raw sockets so a test can send half a body and stop. */
class BodyGateTest {

    final Vertx vertx = Vertx.vertx();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    final List<Integer> received = new CopyOnWriteArrayList<>();
    BodyGate gate;
    HttpServer server;

    void start(BodyGate.Limits limits) throws Exception {
        gate = new BodyGate(vertx, limits, refusals::add);
        server = vertx.createHttpServer().requestHandler(req -> gate.read(req, null, body -> {
            received.add(body.length);
            req.response().setStatusCode(202).end("got " + body.length + "\n");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static BodyGate.Limits limits(long maxBody, long held, int concurrent, Duration timeout) {
        return new BodyGate.Limits(maxBody, held, concurrent, timeout);
    }

    /** A request whose headers and first {@code sent} body bytes are on the wire; the rest is up to the test. */
    final class Partial implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", server.actualPort());
        final OutputStream out = socket.getOutputStream();

        Partial(String lengthHeader, int sent) throws IOException {
            socket.setSoTimeout(10_000);
            out.write(("POST / HTTP/1.1\r\nHost: x\r\n" + lengthHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[sent]);
            out.flush();
        }

        String statusLine() throws IOException {
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }

        String headers() throws IOException {
            StringBuilder all = new StringBuilder();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                all.append(line).append('\n');
            }
            return all.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        start(limits(1000, 1 << 20, 8, Duration.ofSeconds(10)));
        try (Partial p = new Partial("Content-Length: 1001", 0)) {
            assertThat(p.statusLine()).contains("413");
        }
        assertThat(refusals).containsExactly("too_large");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileItArrives() throws Exception {
        start(limits(100 << 10, 1 << 20, 8, Duration.ofSeconds(10)));
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            byte[] chunk = new byte[16 << 10];
            try {
                // Far more than the limit: the server must answer and close long before this ends.
                while (sent < (256L << 20)) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
            } catch (IOException closedByTheServer) {
                // expected
            }
            assertThat(sent).as("bytes the client could send before the server closed").isLessThan(256L << 20);
            assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine()).contains("413");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void pastTheConcurrencyLimitAnswers429WithRetryAfter() throws Exception {
        start(limits(1 << 20, 8 << 20, 1, Duration.ofSeconds(10)));
        try (Partial first = new Partial("Content-Length: 100", 10); Partial second = new Partial("Content-Length: 100", 0)) {
            String head = second.headers();
            assertThat(head).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 1");
            first.out.write(new byte[90]);
            first.out.flush();
            assertThat(first.statusLine()).contains("202");
        }
        assertThat(received).containsExactly(100);
    }

    @Test
    void largeBodiesCannotHoldTheWholeBudgetSoSmallOnesStillPass() throws Exception {
        // 1 MiB held at most; a large body may take three quarters of it.
        start(limits(1 << 20, 1 << 20, 16, Duration.ofSeconds(10)));
        int large = 700 << 10;
        try (Partial holding = new Partial("Content-Length: " + large, 1000)) {
            try (Partial another = new Partial("Content-Length: " + large, 0)) {
                assertThat(another.headers()).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After");
            }
            try (Partial small = new Partial("Content-Length: 10000", 10000)) {
                assertThat(small.statusLine()).contains("202");
            }
            assertThat(gate.heldBytes()).isEqualTo(large);
            holding.out.write(new byte[large - 1000]);
            holding.out.flush();
            assertThat(holding.statusLine()).contains("202");
        }
        assertThat(received).containsExactly(10000, large);
        awaitReleased();
    }

    @Test
    void aBodyLargerThanTheHeldBudgetIsTooLargeNotBusy() throws Exception {
        start(limits(25 << 20, 4 << 20, 16, Duration.ofSeconds(10)));
        try (Partial p = new Partial("Content-Length: " + (5 << 20), 0)) {
            assertThat(p.statusLine()).contains("413");
        }
        assertThat(gate.limits().largestAcceptable()).isEqualTo(3 << 20);
    }

    @Test
    void aSlowSenderGets408AndItsReservationBack() throws Exception {
        start(limits(1 << 20, 1 << 20, 4, Duration.ofMillis(300)));
        try (Partial slow = new Partial("Content-Length: 1000", 10)) {
            assertThat(slow.statusLine()).contains("408");
        }
        assertThat(refusals).containsExactly("timeout");
        awaitReleased();
    }

    @Test
    void aBodyLongerThanItsContentLengthIsRefused() throws Exception {
        start(limits(1 << 20, 1 << 20, 4, Duration.ofSeconds(10)));
        // HTTP/1.1 framing makes extra bytes the next request; a malformed length is what can reach the gate.
        try (Partial p = new Partial("Content-Length: ten", 10)) {
            assertThat(p.statusLine()).contains("400");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void aClientThatDisconnectsMidBodyGivesItsReservationBack() throws Exception {
        start(limits(1 << 20, 1 << 20, 4, Duration.ofSeconds(10)));
        try (Partial gone = new Partial("Content-Length: 5000", 100)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (gate.inFlight() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(gate.heldBytes()).isEqualTo(5000);
        }
        awaitReleased();
    }

    void awaitReleased() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((gate.heldBytes() != 0 || gate.inFlight() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gate.heldBytes()).as("bytes held").isZero();
        assertThat(gate.inFlight()).as("requests in flight").isZero();
    }
}
