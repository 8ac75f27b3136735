package dev.kiln.function.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves one function over HTTP on the JDK's built-in server: {@code POST /} for events,
 * {@code /health/readiness}, {@code /health/liveness} and {@code /metrics}.
 *
 * <p>Readiness turns true only after one warm-up event went through the real HTTP path and the function.
 * {@link #drain()} flips readiness to 503, refuses new events with 503, waits for in-flight requests up to
 * the drain timeout, closes the function and stops the server.
 */
final class FunctionServer implements AutoCloseable {

    /** Header that marks the start-up warm-up request; honoured only from the loopback interface. */
    static final String WARMUP_HEADER = "Kiln-Warmup";

    private final FunctionConfig config;
    private final Invoker invoker;
    private final EventCodec codec;
    private final Metrics metrics = new Metrics();
    /**
     * Where warm-up events are recorded, never rendered: the warm-up (and training, which archives what it loads)
     * then runs the recording path, so the first real event does not load its classes (issue 22).
     */
    private final Metrics warmUpMetrics = new Metrics();
    private final ExecutorService executor;
    private final Deadlines deadlines;
    private final ClassPathCheck classPath;
    /** Null unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then, and only then, OpenTelemetry is loaded. */
    private final Spans spans;
    private final HttpServer server;
    private final Object drainLock = new Object();
    private int inFlight;
    private volatile boolean ready;
    /** Open once the start-up warm-up answered: events that arrive earlier wait for it (see {@link #awaitWarmUp}). */
    private final java.util.concurrent.CountDownLatch warmedUp = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean draining;

    private FunctionServer(FunctionConfig config, String host, ExecutorService executor, Deadlines deadlines,
            ClassPathCheck classPath, Invoker invoker) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // without it the JDK server runs at ~1% speed
        this.config = config;
        this.executor = executor;
        this.deadlines = deadlines;
        this.server = HttpServer.create(new InetSocketAddress(host, config.port()), 256);
        server.setExecutor(executor);
        server.createContext("/", this::events);
        server.createContext("/health/readiness", ex -> text(ex, isReady() ? 200 : 503, isReady() ? "ready" : "not ready"));
        server.createContext("/health/liveness", ex -> text(ex, 200, "alive"));
        server.createContext("/metrics", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            send(ex, 200, metrics.render(inFlight(), isReady()).getBytes(StandardCharsets.UTF_8));
        });
        this.invoker = invoker;
        this.classPath = classPath;
        this.codec = new EventCodec(invoker.binding(), classPath);
        this.spans = Spans.fromEnvironment(System.getenv(), config.name());
    }

    /**
     * Runs the function's init hook, starts the server and warms it up.
     *
     * @param function the function
     * @param config its configuration ({@code port} 0 picks a free port)
     * @param host the address to bind, e.g. 0.0.0.0 in a container or 127.0.0.1 locally
     * @return the ready server
     * @throws Exception if init fails or the port is taken
     */
    static FunctionServer start(CloudFunction<?, ?> function, FunctionConfig config, String host) throws Exception {
        return start(function, config, host, null);
    }

    /**
     * @param trained what training found on this class path, or null to look it up (on a second thread)
     * @see #start(CloudFunction, FunctionConfig, String)
     */
    static FunctionServer start(CloudFunction<?, ?> function, FunctionConfig config, String host, ClassPathFacts trained)
            throws Exception {
        ExecutorService executor = Threads.executor();
        Deadlines deadlines = new Deadlines();
        ClassPathCheck classPath = ClassPathCheck.start(trained);
        // When Jackson is needed for every event, it is built on a second thread while this one runs the init
        // hook and sets up the HTTP server (docs/function-sdk.md, "Start-up path").
        Binding binding = Binding.of(function, classPath);
        function.init(config);
        FunctionServer s = new FunctionServer(config, host, executor, deadlines, classPath,
                new Invoker(function, config, binding, classPath, deadlines));
        s.server.start();
        try {
            s.warmUp();
        } finally {
            s.warmedUp.countDown();
        }
        s.ready = true;
        s.metrics.readyAt(System.currentTimeMillis());
        return s;
    }

    /** @return the port the server listens on */
    int port() {
        return server.getAddress().getPort();
    }

    /** @return whether readiness is reported */
    boolean isReady() {
        return ready && !draining;
    }

    /**
     * Stops gracefully: readiness 503, new events 503, in-flight requests finish (up to the drain timeout),
     * then the function's close hook runs and the server stops.
     *
     * @return whether every in-flight request finished before the drain timeout
     */
    boolean drain() {
        draining = true;
        boolean drained = awaitIdle(config.drainTimeout());
        try {
            invoker.function().close();
        } catch (Exception e) {
            Log.warn("close hook failed: " + e);
        }
        server.stop(0);
        executor.shutdownNow();
        deadlines.close();
        if (spans != null) {
            spans.close();
        }
        return drained;
    }

    @Override
    public void close() {
        drain();
    }

    private void events(HttpExchange ex) throws IOException {
        if (!"/".equals(ex.getRequestURI().getPath())) {
            text(ex, 404, "not found: events are POSTed to /");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            text(ex, 405, "events are POSTed to /");
            return;
        }
        if (draining) {
            text(ex, 503, "shutting down");
            return;
        }
        if (!ready && !isWarmUp(ex) && !awaitWarmUp()) {
            text(ex, 503, "starting");
            return;
        }
        enter();
        try {
            handle(ex);
        } finally {
            leave();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = readBody(ex.getRequestBody(), config.maxBodyBytes());
        if (body == null) {
            text(ex, 413, "request body larger than " + config.maxBodyBytes() + " bytes");
            return;
        }
        EventCodec.Request request;
        try {
            request = codec.decode(ex.getRequestHeaders(), body);
        } catch (HttpError e) {
            text(ex, e.status, e.getMessage());
            return;
        }
        boolean warmup = isWarmUp(ex);
        // The function runs on this thread; at its deadline the watchdog answers 504 instead, and whichever
        // comes first owns the response.
        AtomicBoolean answered = new AtomicBoolean();
        Runnable onExpiry = () -> {
            if (answered.compareAndSet(false, true)) {
                try {
                    text(ex, 504, invoker.timedOut().message());
                } catch (IOException e) {
                    Log.warn("could not answer 504: " + e.getMessage());
                }
            }
        };
        String traceparent = ex.getRequestHeaders().getFirst("traceparent");
        String tracestate = ex.getRequestHeaders().getFirst("tracestate");
        List<CloudEvent> replies = new ArrayList<>();
        for (CloudEvent event : request.events()) {
            EventSpan span = spans == null || warmup ? null
                    : spans.start(traceparent != null ? traceparent : Objects.toString(event.getExtension("traceparent"), null), event);
            // Traced, the function and its reply carry the function's own span: what the reply causes goes under it.
            CloudEvent withTrace = span == null ? withHttpTrace(event, traceparent, tracestate)
                    : CloudEvents.withExtensions(event, Map.of("traceparent", span.traceparent()), classPath.validators());
            Metrics recorded = warmup ? warmUpMetrics : metrics;
            String start = recorded.nextStart();
            long t0 = System.nanoTime();
            Result outcome = invoker.invoke(withTrace, warmup, onExpiry);
            if (span != null) {
                span.end(outcome.status(), outcome.status() >= 400 ? outcome.message() : null);
            }
            recorded.record(start, outcome, System.nanoTime() - t0);
            if (outcome.status() >= 400) {
                if (outcome.status() >= 500) {
                    Log.warn("event " + event.getId() + " (" + event.getType() + "): " + outcome.message());
                }
                if (answered.compareAndSet(false, true)) {
                    text(ex, outcome.status(), outcome.message());
                }
                return;
            }
            if (outcome.reply() != null) {
                replies.add(outcome.reply());
            }
        }
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        if (traceparent != null) {
            ex.getResponseHeaders().set("traceparent", traceparent);
            if (tracestate != null) {
                ex.getResponseHeaders().set("tracestate", tracestate);
            }
        }
        if (replies.isEmpty()) {
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        byte[] out = codec.encode(request.mode(), replies, (k, v) -> ex.getResponseHeaders().set(k, v));
        send(ex, 200, out);
    }

    private static boolean isWarmUp(HttpExchange ex) {
        return ex.getRequestHeaders().containsKey(WARMUP_HEADER) && ex.getRemoteAddress().getAddress().isLoopbackAddress();
    }

    /**
     * Holds an event that arrived before the start-up warm-up answered until it has, rather than letting the two race:
     * racing, both pay the same first-use work at once on the machine's cores (the JDK server's first {@code Date}
     * header loads the time-zone names in each thread that gets there before their cache is set: racing, the heap the
     * first reply had touched was 5.1 MiB, waiting 4.5, on JDK 25 with the AOT cache; docs/benchmarks.md, issue 22).
     * Knative's queue-proxy and {@code kiln dev}'s activator already wait for readiness, so only a sender that does
     * not (a benchmark, a port-forward) ever waits here.
     *
     * @return false if the warm-up did not answer within the invocation timeout (the event is then refused with 503)
     */
    private boolean awaitWarmUp() {
        try {
            return warmedUp.await(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** W3C trace context arrives as HTTP headers; the function and its reply see it as CloudEvent extensions. */
    private CloudEvent withHttpTrace(CloudEvent event, String traceparent, String tracestate) {
        if (traceparent == null || event.getExtension("traceparent") != null) {
            return event;
        }
        Map<String, String> trace = new LinkedHashMap<>();
        trace.put("traceparent", traceparent);
        if (tracestate != null) {
            trace.put("tracestate", tracestate);
        }
        return CloudEvents.withExtensions(event, trace, classPath.validators());
    }

    /** Sends one warm-up event through the real HTTP path (socket, server, codec, binding, function). */
    private void warmUp() {
        try {
            String status = exercise();
            if (!status.startsWith("2")) {
                Log.info("warm-up event answered " + status + "; override warmupEvent() to send one the function accepts");
            }
        } catch (IOException e) {
            Log.warn("warm-up failed: " + e.getMessage());
        }
    }

    /**
     * Sends the warm-up event in binary mode over a loopback socket, flagged as warm-up so the function can skip
     * side effects; used at start-up and, many times over, by {@link Training}.
     *
     * @return the response's status code and reason, e.g. "200 OK"
     */
    String exercise() throws IOException {
        CloudEvent event = invoker.function().warmupEvent(config);
        if (event == null) {
            event = WarmupEvents.forInput(invoker.binding().input(), invoker.function().acceptedTypes());
        }
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .append(WARMUP_HEADER).append(": 1\r\n");
        byte[] body = codec.encode(EventCodec.Mode.BINARY, List.of(event), (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return roundTrip(head, body);
    }

    /**
     * Sends a GET for a path over a loopback socket.
     *
     * @return the response's status code and reason
     */
    String get(String path) throws IOException {
        return roundTrip(new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"), new byte[0]);
    }

    private String roundTrip(StringBuilder head, byte[] body) throws IOException {
        // A raw socket rather than java.net.http: the client's classes would only bloat a trained archive.
        // NO_PROXY: a plain socket, without the SOCKS wrapper and proxy-selector lookup a default one starts with.
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress("127.0.0.1", port()));
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis() + 5000));
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int eol = response.indexOf('\r');
            return response.substring(Math.min(9, response.length()), eol < 0 ? response.length() : eol).trim();
        }
    }

    private static byte[] readBody(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        return body.length > max ? null : body;
    }

    private static void text(HttpExchange ex, int status, String message) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(ex, status, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    private void enter() {
        synchronized (drainLock) {
            inFlight++;
        }
    }

    private void leave() {
        synchronized (drainLock) {
            inFlight--;
            drainLock.notifyAll();
        }
    }

    private int inFlight() {
        synchronized (drainLock) {
            return inFlight;
        }
    }

    private boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drainLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
