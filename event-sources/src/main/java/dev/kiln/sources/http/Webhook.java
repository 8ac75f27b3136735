package dev.kiln.sources.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * A webhook receiver: authenticates the raw request, maps it to a CloudEvent and answers once the sink has
 * accepted it. Independent of the HTTP server, so the same receiver runs in the adapter's own server and
 * behind {@code kiln dev}'s port.
 */
public interface Webhook {

    /**
     * A request as received.
     *
     * @param headers the headers (case-insensitive)
     * @param body the raw body bytes, exactly as sent (signatures cover these)
     */
    record Request(MultiMap headers, byte[] body) {
    }

    /**
     * What to answer.
     *
     * @param status the HTTP status
     * @param message a short plain-text explanation
     */
    record Response(int status, String message) {
    }

    /** @return the answer; never a failed future */
    Future<Response> handle(Request request);
}
