package dev.kiln.testing.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Floods a webhook with large bodies nobody signed, as an attacker would: over raw sockets, streaming each body
 * from one small buffer so that the attacker's own memory is not what limits the flood. Each request ends with the
 * status the server answered, or {@link #CLOSED} when the server closed the connection before answering (a refusal
 * that did not wait for the body). Used by the flood test and by the benchmark.
 */
public final class WebhookFlood {

    /** The outcome of a request the server cut off without an answer we could read. */
    public static final int CLOSED = -1;

    /** How a flooding request authenticates itself. */
    public enum Kind {
        /** no signature header at all */
        UNSIGNED,
        /** a well-formed signature header that matches nothing, with a Content-Length */
        WRONG_SIGNATURE,
        /** a well-formed signature header that matches nothing, the body chunked (no Content-Length) */
        WRONG_SIGNATURE_CHUNKED
    }

    private WebhookFlood() {
    }

    /**
     * Sends one round: {@code concurrency} requests at once, each with a body of {@code bodyBytes}.
     *
     * @param port the webhook's port on 127.0.0.1
     * @param kind how the requests authenticate
     * @param concurrency requests at once
     * @param bodyBytes each body's size
     * @param timeout how long one request may take before it is abandoned
     * @return each request's outcome: its status, or {@link #CLOSED}
     * @throws Exception when the round cannot run
     */
    public static List<Integer> round(int port, Kind kind, int concurrency, long bodyBytes, Duration timeout) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                int n = i;
                sent.add(pool.submit(() -> send(port, kind, bodyBytes, "flood-" + kind + "-" + n + "-" + System.nanoTime(), timeout)));
            }
            List<Integer> outcomes = new ArrayList<>();
            for (Future<Integer> f : sent) {
                outcomes.add(f.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the status answered, or {@link #CLOSED} */
    static int send(int port, Kind kind, long bodyBytes, String delivery, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("Host", "127.0.0.1:" + port);
            headers.put("Content-Type", "application/json");
            headers.put("X-GitHub-Event", "push");
            headers.put("X-GitHub-Delivery", delivery);
            headers.put("X-Gitlab-Event", "Push Hook");
            if (kind != Kind.UNSIGNED) {
                headers.put("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
            }
            if (kind == Kind.WRONG_SIGNATURE_CHUNKED) {
                headers.put("Transfer-Encoding", "chunked");
            } else {
                headers.put("Content-Length", Long.toString(bodyBytes));
            }
            StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                writeBody(out, kind == Kind.WRONG_SIGNATURE_CHUNKED, bodyBytes);
                out.flush();
            } catch (IOException e) {
                // the server refused and closed while we were still sending: read its answer if it left one
            }
            return status(socket);
        } catch (IOException e) {
            return CLOSED;
        }
    }

    private static void writeBody(OutputStream out, boolean chunked, long bodyBytes) throws IOException {
        byte[] chunk = new byte[64 << 10];
        java.util.Arrays.fill(chunk, (byte) ' ');
        chunk[0] = '[';
        long left = bodyBytes;
        boolean first = true;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            if (!first) {
                chunk[0] = ' ';
            }
            if (left == n) {
                chunk[n - 1] = ']';
            }
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(chunk, 0, n);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            left -= n;
            first = false;
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static int status(Socket socket) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            if (line == null || !line.startsWith("HTTP/1.")) {
                return CLOSED;
            }
            return Integer.parseInt(line.split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return CLOSED;
        }
    }
}
